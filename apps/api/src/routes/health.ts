import { readinessQuerySchema } from '@tta/contracts';
import { CapacityError, parseOrThrow, type RedisClient, type RedisMemory } from '@tta/core';
import type { OperationHandlers } from './operation-handlers';
import { assertRedisAnswers } from '../http/with-redis';

/** Options of {@link healthHandlers}. */
export interface HealthRoutesOptions {
  /** The producer connection whose PING decides readiness. */
  redis: RedisClient;
  /** How long PING may take before the API counts as not ready. Default: 500 ms. */
  readinessTimeoutMs?: number;
  /** Says whether Redis has memory for new work; without it, memory is not looked at. */
  memory?: Pick<RedisMemory, 'underPressure' | 'ratio'>;
}

/**
 * `GET /healthz`: 200 while the process serves requests, Redis or not. `GET /readyz`: 200 when
 * Redis answers PING in time, else 503 `redis_unavailable`; 503 `capacity` while Redis is above
 * the memory high watermark (unless `?capacity=ignore`).
 */
export function healthHandlers(
  options: HealthRoutesOptions,
): OperationHandlers<'getHealth' | 'getReadiness'> {
  return {
    getHealth: (_req, res) => {
      res.json({ status: 'ok' });
    },
    getReadiness: async (req, res) => {
      const { capacity } = parseOrThrow(readinessQuerySchema, req.query);
      await assertRedisAnswers(options.redis, { timeoutMs: options.readinessTimeoutMs ?? 500 });
      const memory = options.memory;
      if (capacity !== 'ignore' && memory?.underPressure) {
        throw new CapacityError({ memoryRatio: memory.ratio, retryAfterSeconds: 1 });
      }
      res.json({ status: 'ok' });
    },
  };
}
