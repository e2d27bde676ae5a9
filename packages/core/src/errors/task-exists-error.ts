import { AppError } from './app-error';

/** A task cannot be put back in its queue: a task with the same id is already there. */
export class TaskExistsError extends AppError {
  constructor(taskId: string, queue: string) {
    super('task_exists', `task '${taskId}' already exists in queue '${queue}'`, {
      details: { id: taskId, queue },
    });
  }
}
