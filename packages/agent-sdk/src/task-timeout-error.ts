import { AppError } from '@tta/core';

/** A handler ran past its task's `timeoutMs` and was aborted. */
export class TaskTimeoutError extends AppError {
  constructor(taskId: string, timeoutMs: number) {
    super('task_timeout', `task ${taskId} timed out after ${timeoutMs} ms`, {
      details: { taskId, timeoutMs },
    });
  }
}
