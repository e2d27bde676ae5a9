import type { MetricsRegistry } from '@tta/core';
import { Router } from 'express';

/** Options of {@link metricsRoutes}. */
export interface MetricsRoutesOptions {
  /** The API's registry. */
  metrics: MetricsRegistry;
}

/**
 * `GET /metrics`: the API's metrics in Prometheus text format, the gauges read from Redis
 * (queue depths, agents) as of the scrape.
 */
export function metricsRoutes(options: MetricsRoutesOptions): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const text = await options.metrics.metrics();
    res.set('content-type', options.metrics.contentType).send(text);
  });
  return router;
}
