import { readScopeOf } from '../access/api-caller';
import { deadLetterQuerySchema } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { parseOrThrow, redactEncrypted, type DeadLetterQueue, type RedisClient } from '@tta/core';
import { withRedis } from '../http/with-redis';

/** Options of {@link deadLetterHandlers}. */
export interface DeadLetterRoutesOptions {
  /** The dead-letter queue. */
  deadLetters: DeadLetterQueue;
  /** The producer connection the dead-letter queue works through. */
  redis: RedisClient;
}

/**
 * `GET /v1/dead-letter?start=&limit=&capability=` (newest first, with the total),
 * `POST /v1/dead-letter/:id/retry` (202: back in its queue under the same id) and
 * `DELETE /v1/dead-letter/:id` (204).
 */
export function deadLetterHandlers(
  options: DeadLetterRoutesOptions,
): OperationHandlers<'listDeadLetters' | 'retryDeadLetter' | 'deleteDeadLetter'> {
  const { deadLetters, redis } = options;
  return {
    listDeadLetters: async (req, res) => {
      const query = parseOrThrow(deadLetterQuerySchema, req.query, 'query');
      const page = await withRedis(redis, () =>
        deadLetters.list({
          start: query.start,
          end: query.start + query.limit - 1,
          ...(query.capability !== undefined && { capability: query.capability }),
          ...readScopeOf(req),
        }),
      );
      // The list shows `[encrypted]` for player content; `GET /v1/tasks/:id` reads it.
      res.json(redactEncrypted(page));
    },
    retryDeadLetter: async (req, res) => {
      res
        .status(202)
        .json(await withRedis(redis, () => deadLetters.retry(req.params.id, readScopeOf(req))));
    },
    deleteDeadLetter: async (req, res) => {
      await withRedis(redis, () => deadLetters.remove(req.params.id, readScopeOf(req)));
      res.status(204).end();
    },
  };
}
