import { createScopeOf, readScopeOf } from '../access/api-caller';
import type { OperationHandlers } from './operation-handlers';
import type { TaskService } from '@tta/core';
import { withIdempotencyHeader } from '../http/with-idempotency-header';

/** Options of {@link taskHandlers}. */
export interface TaskRoutesOptions {
  /** Validates, enqueues and reads tasks. */
  tasks: TaskService;
}

/**
 * `POST /v1/tasks` (202 once the job is in Redis; an `Idempotency-Key` header stands for the
 * body's `idempotencyKey`), `POST /v1/tasks/batch` (all validated before any is enqueued) and
 * `GET /v1/tasks/:id`.
 */
export function taskHandlers(
  options: TaskRoutesOptions,
): OperationHandlers<'enqueueTask' | 'enqueueTasks' | 'getTask'> {
  return {
    enqueueTask: async (req, res) => {
      const body = withIdempotencyHeader(req.body, req.get('idempotency-key'));
      res.status(202).json(await options.tasks.enqueue(body, createScopeOf(req)));
    },
    enqueueTasks: async (req, res) => {
      res
        .status(202)
        .json({ tasks: await options.tasks.enqueueBatch(req.body, createScopeOf(req)) });
    },
    getTask: async (req, res) => {
      res.json(await options.tasks.get(req.params.id, readScopeOf(req)));
    },
  };
}
