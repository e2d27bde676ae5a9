import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { reuseMetric } from '../telemetry/metrics';
import { SAFETY_EVENT_TYPES, type SafetyEventType } from '@tta/contracts';

/** The level an event of each type is written with: a failed screen has none. */
const LEVEL_OF: Readonly<Record<SafetyEventType, string>> = {
  crisis: 'crisis',
  screen_unavailable: 'unknown',
  concern: 'concern',
};

/** Outcomes of a webhook delivery attempt. */
export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'dead_lettered'] as const;

/**
 * The safety metrics, each created once per registry (objects of one process share them):
 * - `tta_safety_screens_total{level}`: screens by level (of workflow runs, counted by the
 *   workflow engine, and of `safety.screen` tasks sent on their own, by the agent);
 * - `tta_safety_crisis_total`: runs ended by the safety gate on a crisis;
 * - `tta_safety_events_total{type,level}`: safety events written (crisis, screen_unavailable,
 *   concern), with their level (crisis, unknown, concern);
 * - `tta_safety_events_unacknowledged{type}`: open events (see {@link SafetyMetrics.watchOpen});
 * - `tta_safety_time_to_acknowledge_seconds{type}`: from an event to its first review action;
 * - `tta_safety_webhook_deliveries_total{outcome}`: webhook delivery attempts by outcome.
 * Labelled counters start at zero for every known label.
 */
export class SafetyMetrics {
  private readonly screens?: Counter<'level'>;
  private readonly crises?: Counter;
  private readonly events?: Counter<'type' | 'level'>;
  private readonly toAck?: Histogram<'type'>;
  private readonly deliveries?: Counter<'outcome'>;

  /** Without a registry, every method does nothing. */
  constructor(private readonly metrics?: Registry) {
    if (!metrics) return;
    this.screens = counter(
      metrics,
      'tta_safety_screens_total',
      'Safety screens by level: of workflow runs (workflow engine) and of safety.screen tasks sent on their own (input-processor)',
      ['level'],
    );
    this.crises = counter(
      metrics,
      'tta_safety_crisis_total',
      'Workflow runs that ended on a safety crisis',
      [],
    );
    this.events = counter(
      metrics,
      'tta_safety_events_total',
      'Safety events written, by type (crisis, screen_unavailable, concern) and level (crisis, unknown, concern)',
      ['type', 'level'],
    );
    for (const type of SAFETY_EVENT_TYPES) this.events.inc({ type, level: LEVEL_OF[type] }, 0);
    this.deliveries = counter(
      metrics,
      'tta_safety_webhook_deliveries_total',
      'Safety webhook delivery attempts, by outcome',
      ['outcome'],
    );
    for (const outcome of DELIVERY_OUTCOMES) this.deliveries.inc({ outcome }, 0);
    this.toAck = reuseMetric(
      metrics,
      'tta_safety_time_to_acknowledge_seconds',
      () =>
        new Histogram({
          name: 'tta_safety_time_to_acknowledge_seconds',
          help: 'Time from a safety event to its first review action (acknowledge or resolve), by type',
          labelNames: ['type'],
          buckets: [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400, 86_400],
          registers: [metrics],
        }),
    );
  }

  /** Counts a screen of `level` (`safe`, `concern`, `crisis`...). */
  screened(level: string): void {
    this.screens?.inc({ level });
  }

  /** Counts a run that ended on a crisis. */
  crisis(): void {
    this.crises?.inc();
  }

  /** Counts a safety event written. */
  event(type: SafetyEventType): void {
    this.events?.inc({ type, level: LEVEL_OF[type] });
  }

  /** Records the time from an event to its first review action. */
  acknowledged(type: string, seconds: number): void {
    this.toAck?.observe({ type }, Math.max(0, seconds));
  }

  /** Counts a webhook delivery attempt. */
  delivery(outcome: (typeof DELIVERY_OUTCOMES)[number]): void {
    this.deliveries?.inc({ outcome });
  }

  /**
   * Publishes `tta_safety_events_unacknowledged{type}`, read from `openCounts` at each scrape
   * (a failed read keeps the last values).
   */
  watchOpen(openCounts: () => Promise<Record<string, number>>): void {
    const metrics = this.metrics;
    if (!metrics) return;
    reuseMetric(
      metrics,
      'tta_safety_events_unacknowledged',
      () =>
        new Gauge({
          name: 'tta_safety_events_unacknowledged',
          help: 'Safety events open (not yet acknowledged or resolved), by type',
          labelNames: ['type'],
          registers: [metrics],
          async collect() {
            try {
              const counts = await openCounts();
              for (const type of SAFETY_EVENT_TYPES) this.set({ type }, counts[type] ?? 0);
            } catch {
              // Redis away: the last values stand; the scrape itself must not fail.
            }
          },
        }),
    );
  }
}

function counter<L extends string>(
  metrics: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  return reuseMetric(
    metrics,
    name,
    () => new Counter({ name, help, labelNames, registers: [metrics] }),
  );
}
