import { collectDefaultMetrics, Registry } from 'prom-client';

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Labels on every metric of the process, e.g. `{ service: 'api' }`. */
  defaultLabels?: Record<string, string>;
  /** Whether to collect Node process metrics (`tta_process_*`, `tta_nodejs_*`). Default: true. */
  processMetrics?: boolean;
}

/** Prefix of every metric of the project. */
export const METRIC_PREFIX = 'tta_';

/** A prom-client registry for one process, with default Node metrics under `tta_`. */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
