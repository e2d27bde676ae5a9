import { AppError } from './app-error';

/** A task that already completed or failed cannot be cancelled. */
export class TaskFinishedError extends AppError {
  constructor(taskId: string, status: 'completed' | 'failed') {
    super('task_finished', `task '${taskId}' already ${status}; there is nothing to cancel`, {
      details: { id: taskId, status },
    });
  }
}
