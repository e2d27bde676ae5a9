import { AppError } from './app-error';

/** The process is shutting down and takes no new work of this kind; try another instance. */
export class ShuttingDownError extends AppError {
  constructor(what: string) {
    super('shutting_down', `${what} is shutting down; try again`, { details: { what } });
  }
}
