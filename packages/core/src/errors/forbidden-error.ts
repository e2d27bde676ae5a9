import { AppError } from './app-error';

/** The caller's API key is valid but lacks the scope the route needs. */
export class ForbiddenError extends AppError {
  constructor(scope: string) {
    super('forbidden', `this API key lacks the scope '${scope}'`, { details: { scope } });
  }
}
