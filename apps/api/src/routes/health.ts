import { Router } from 'express';
import { assertRedisAnswers } from '../with-redis';
import type { RedisClient } from '@tta/core';

/** Options of {@link healthRoutes}. */
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
export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    await assertRedisAnswers(options.redis, { timeoutMs: options.readinessTimeoutMs ?? 500 });
    res.json({ status: 'ok' });
  });
  return router;
}
