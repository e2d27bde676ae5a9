import { AppError } from './app-error';

/** A review action the safety event's status does not allow (acknowledging a resolved event). */
export class ReviewConflictError extends AppError {
  constructor(id: string, status: string, action: string) {
    super('review_conflict', `safety event '${id}' is ${status}: it cannot be ${action}`, {
      details: { id, status, action },
    });
  }
}
