import { AppError } from './app-error';

/**
 * A running task was cancelled (`DELETE /v1/tasks/:id`): its handler is aborted with this
 * error and the job fails without another attempt.
 */
export class TaskCancelledError extends AppError {
  constructor(taskId: string) {
    super('task_cancelled', `task '${taskId}' was cancelled`, { details: { id: taskId } });
  }
}
