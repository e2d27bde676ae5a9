import { AppError } from './app-error';

/** An idempotency key reused with a different task. */
export class IdempotencyConflictError extends AppError {
  constructor(idempotencyKey: string, existingTaskId: string) {
    super(
      'idempotency_conflict',
      `idempotency key '${idempotencyKey}' was already used for a different task`,
      { details: { idempotencyKey, existingTaskId } },
    );
  }
}
