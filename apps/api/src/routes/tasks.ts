import type { TaskService } from '@tta/core';
import { Router } from 'express';
import { withIdempotencyHeader } from '../with-idempotency-header';

/** Options of {@link taskRoutes}. */
export interface TaskRoutesOptions {
  /** Validates, enqueues and reads tasks. */
  tasks: TaskService;
}

/**
 * `POST /v1/tasks` (202 once the job is in Redis; an `Idempotency-Key` header stands for the
 * body's `idempotencyKey`), `POST /v1/tasks/batch` (all validated before any is enqueued) and
 * `GET /v1/tasks/:id`.
 */
export function taskRoutes(options: TaskRoutesOptions): Router {
  const router = Router();
  router.post('/v1/tasks', async (req, res) => {
    const body = withIdempotencyHeader(req.body, req.get('idempotency-key'));
    res.status(202).json(await options.tasks.enqueue(body));
  });
  router.post('/v1/tasks/batch', async (req, res) => {
    res.status(202).json({ tasks: await options.tasks.enqueueBatch(req.body) });
  });
  router.get('/v1/tasks/:id', async (req, res) => {
    res.json(await options.tasks.get(req.params.id));
  });
  return router;
}
