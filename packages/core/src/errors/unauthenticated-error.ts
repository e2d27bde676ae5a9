import { AppError } from './app-error';

/** The request carries no API key (or admin session), or one the API does not know. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'an API key is required: send Authorization: Bearer <key> or X-API-Key') {
    super('unauthenticated', message);
  }
}
