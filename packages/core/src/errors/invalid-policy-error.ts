import { AppError } from './app-error';

/** Policy files that do not validate: nothing was applied. `details.errors` lists every problem. */
export class InvalidPolicyError extends AppError {
  constructor(errors: readonly string[]) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super('invalid_policy', `policy refused: ${errors[0] ?? 'invalid'}${more}`, {
      details: { errors: [...errors] },
    });
  }
}
