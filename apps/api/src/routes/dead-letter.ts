import { parseOrThrow, type DeadLetterQueue, type RedisClient } from '@tta/core';
import { Router } from 'express';
import { z } from 'zod';
import { withRedis } from '../with-redis';

/** Options of {@link deadLetterRoutes}. */
export interface DeadLetterRoutesOptions {
  /** The dead-letter queue. */
  deadLetters: DeadLetterQueue;
  /** The producer connection the dead-letter queue works through. */
  redis: RedisClient;
}

/** The query of `GET /v1/dead-letter`: the page (`start`, `limit`) and a capability filter. */
export const deadLetterQuerySchema = z
  .object({
    start: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    capability: z.string().min(1).max(128).optional(),
  })
  .strict();

/**
 * `GET /v1/dead-letter?start=&limit=&capability=` (newest first, with the total),
 * `POST /v1/dead-letter/:id/retry` (202: back in its queue under the same id) and
 * `DELETE /v1/dead-letter/:id` (204).
 */
export function deadLetterRoutes(options: DeadLetterRoutesOptions): Router {
  const { deadLetters, redis } = options;
  const router = Router();
  router.get('/v1/dead-letter', async (req, res) => {
    const query = parseOrThrow(deadLetterQuerySchema, req.query, 'query');
    const page = await withRedis(redis, () =>
      deadLetters.list({
        start: query.start,
        end: query.start + query.limit - 1,
        ...(query.capability !== undefined && { capability: query.capability }),
      }),
    );
    res.json(page);
  });
  router.post('/v1/dead-letter/:id/retry', async (req, res) => {
    res.status(202).json(await withRedis(redis, () => deadLetters.retry(req.params.id)));
  });
  router.delete('/v1/dead-letter/:id', async (req, res) => {
    await withRedis(redis, () => deadLetters.remove(req.params.id));
    res.status(204).end();
  });
  return router;
}
