import { readScopeOf } from '../access/api-caller';
import { sessionIdSchema } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { parseOrThrow, type RedisClient, type SessionEraser } from '@tta/core';
import { withRedis } from '../http/with-redis';

/** Options of {@link sessionHandlers}. */
export interface SessionRoutesOptions {
  /** Erases a session everywhere. */
  eraser: SessionEraser;
  /** The producer connection the eraser works through. */
  redis: RedisClient;
}

/**
 * `DELETE /v1/sessions/:id` (scope `sessions:erase`): erases the session's data on every shard
 * and answers a receipt of counts; 404 for another owner's session (an admin erases any).
 */
export function sessionHandlers(options: SessionRoutesOptions): OperationHandlers<'eraseSession'> {
  const { eraser, redis } = options;
  return {
    eraseSession: async (req, res) => {
      const sessionId = parseOrThrow(sessionIdSchema, req.params.id, 'id');
      res.json(await withRedis(redis, () => eraser.erase(sessionId, readScopeOf(req))));
    },
  };
}
