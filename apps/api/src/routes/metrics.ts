import type { OperationHandlers } from './operation-handlers';
import type { MetricsRegistry } from '@tta/core';

/** Options of {@link metricsHandlers}. */
export interface MetricsRoutesOptions {
  /** The API's registry. */
  metrics: MetricsRegistry;
}

/**
 * `GET /metrics`: the API's metrics in Prometheus text format, the gauges read from Redis
 * (queue depths, agents) as of the scrape.
 */
export function metricsHandlers(options: MetricsRoutesOptions): OperationHandlers<'getMetrics'> {
  return {
    getMetrics: async (_req, res) => {
      const text = await options.metrics.metrics();
      res.set('content-type', options.metrics.contentType).send(text);
    },
  };
}
