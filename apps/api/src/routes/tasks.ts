import { createScopeOf, readScopeOf } from '../access/api-caller';
import type { ApiRateLimiter } from '../access/api-rate-limiter';
import { chargeTasks } from '../access/rate-limit';
import type { OperationHandlers } from './operation-handlers';
import type { TaskService } from '@tta/core';
import { withIdempotencyHeader } from '../http/with-idempotency-header';

/** Options of {@link taskHandlers}. */
export interface TaskRoutesOptions {
  /** Validates, enqueues and reads tasks. */
  tasks: TaskService;
  /** The per-key rate limit: each task of a batch counts. Default: batches count as one request. */
  limiter?: ApiRateLimiter;
}

/**
 * `POST /v1/tasks` (202 once the job is in Redis; an `Idempotency-Key` header stands for the
 * body's `idempotencyKey`), `POST /v1/tasks/batch` (all validated before any is enqueued; each
 * task counts against the key's rate limit, and a batch larger than what is left of it is
 * refused whole) and `GET /v1/tasks/:id`.
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
      const requests = options.tasks.validateBatch(req.body);
      await chargeTasks(req, res, options.limiter, requests.length);
      res
        .status(202)
        .json({ tasks: await options.tasks.enqueueValid(requests, createScopeOf(req)) });
    },
    getTask: async (req, res) => {
      res.json(await options.tasks.get(req.params.id, readScopeOf(req)));
    },
  };
}
