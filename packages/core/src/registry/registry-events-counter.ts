import { Counter, type Registry } from 'prom-client';
import { reuseMetric } from '../telemetry/metrics';

/**
 * The counter `tta_registry_events_total{type}` of `metrics`: registry events written by this
 * process (`joined` and `left` by agents, `dead` by the supervisor's sweep).
 */
export function registryEventsCounter(metrics: Registry): Counter<'type'> {
  return reuseMetric(
    metrics,
    'tta_registry_events_total',
    () =>
      new Counter({
        name: 'tta_registry_events_total',
        help: 'Registry events written by this process: joined and left (agents), dead (supervisor sweep)',
        labelNames: ['type'],
        registers: [metrics],
      }),
  );
}
