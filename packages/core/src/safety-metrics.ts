import { Counter, type Registry } from 'prom-client';
import { reuseMetric } from './metrics';

/**
 * The safety metrics: `tta_safety_screens_total{level}` (screens by level: those of workflow
 * runs, counted by the workflow engine, and those of `safety.screen` tasks sent on their own,
 * counted by the agent that ran them) and `tta_safety_crisis_total` (runs ended by the safety
 * gate). Objects of one process share the metrics of its registry.
 */
export class SafetyMetrics {
  private readonly screens?: Counter<'level'>;
  private readonly crises?: Counter;

  /** Without a registry, every method does nothing. */
  constructor(metrics?: Registry) {
    if (!metrics) return;
    this.screens = reuseMetric(
      metrics,
      'tta_safety_screens_total',
      () =>
        new Counter({
          name: 'tta_safety_screens_total',
          help: 'Safety screens by level: of workflow runs (workflow engine) and of safety.screen tasks sent on their own (input-processor)',
          labelNames: ['level'],
          registers: [metrics],
        }),
    );
    this.crises = reuseMetric(
      metrics,
      'tta_safety_crisis_total',
      () =>
        new Counter({
          name: 'tta_safety_crisis_total',
          help: 'Workflow runs that ended on a safety crisis',
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
}
