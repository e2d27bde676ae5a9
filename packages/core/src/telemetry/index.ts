/**
 * Telemetry: the logger and the metrics registry.
 */
export {
  HttpRequestMetrics,
  type HttpRequestSample,
  UNMATCHED_ROUTE,
} from './http-request-metrics';
export { createLogger, type Logger, type LoggerOptions } from './logger';
export {
  createMetricsRegistry,
  type MetricsRegistry,
  type MetricsRegistryOptions,
  reuseMetric,
} from './metrics';
