import { AppError } from './app-error';

/** An id that names nothing stored. */
export class NotFoundError extends AppError {
  constructor(kind: string, id: string) {
    super('not_found', `${kind} '${id}' not found`, { details: { kind, id } });
  }
}
