import type { OperationHandlers } from './operation-handlers';
import { assertRedisAnswers } from '../http/with-redis';
import type { RedisClient } from '@tta/core';

/** Options of {@link healthHandlers}. */
export interface HealthRoutesOptions {
  /** The producer connection whose PING decides readiness. */
  redis: RedisClient;
  /** How long PING may take before the API counts as not ready. Default: 500 ms. */
  readinessTimeoutMs?: number;
}

/**
 * `GET /healthz`: 200 while the process serves requests, Redis or not. `GET /readyz`: 200 when
 * Redis answers PING in time, else 503 `redis_unavailable`.
 */
export function healthHandlers(
  options: HealthRoutesOptions,
): OperationHandlers<'getHealth' | 'getReadiness'> {
  return {
    getHealth: (_req, res) => {
      res.json({ status: 'ok' });
    },
    getReadiness: async (_req, res) => {
      await assertRedisAnswers(options.redis, { timeoutMs: options.readinessTimeoutMs ?? 500 });
      res.json({ status: 'ok' });
    },
  };
}
