import { readScopeOf } from '../access/api-caller';
import type { OperationHandlers } from './operation-handlers';
import { parseOrThrow, type TaskCanceller } from '@tta/core';
import { cancelQuerySchema } from '@tta/contracts';

/** Options of {@link taskCancellationHandlers}. */
export interface TaskCancellationRoutesOptions {
  /** Cancels tasks across processes. */
  canceller: TaskCanceller;
}

/**
 * `DELETE /v1/tasks/:id` (optional `?reason=`, at most 256 characters): 202
 * `{ id, status: 'cancelled' }` once the task's tombstone is written and its job removed (a
 * pending task never runs) or its agent told to abort it (a running one). Cancelling again
 * answers the same. 404 `not_found` for an unknown id, 409 `task_finished` for a task that
 * already completed or failed.
 */
export function taskCancellationHandlers(
  options: TaskCancellationRoutesOptions,
): OperationHandlers<'cancelTask'> {
  return {
    cancelTask: async (req, res) => {
      const { reason } = parseOrThrow(cancelQuerySchema, req.query);
      const answer = await options.canceller.cancel(req.params.id, {
        ...readScopeOf(req),
        ...(reason !== undefined && { reason }),
      });
      res.status(202).json(answer);
    },
  };
}
