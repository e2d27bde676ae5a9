import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Labels on every metric of the process, e.g. `{ service: 'api' }`. */
  defaultLabels?: Record<string, string>;
  /** Whether to collect Node process metrics (`tta_process_*`, `tta_nodejs_*`). Default: true. */
  processMetrics?: boolean;
}

/** A process's Prometheus registry (prom-client), for packages that do not depend on prom-client. */
export type MetricsRegistry = Registry;

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

/**
 * The metric `name` of `registry`, created by `create` (which must register it there) the first
 * time. Several objects of one process (agent runtimes, engines) share a registry, and each
 * metric may be registered only once.
 */
export function reuseMetric<M extends Metric>(
  registry: Registry,
  name: string,
  create: () => M,
): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
