import { AppError } from './app-error';

/** A task or run named a session that is being erased: it would escape the erasure. */
export class SessionErasingError extends AppError {
  constructor(sessionId: string) {
    super('session_erasing', `session '${sessionId}' is being erased; try again later`, {
      details: { sessionId },
    });
  }
}
