import { Counter, Histogram, type Registry } from 'prom-client';
import { reuseMetric } from '../telemetry/metrics';
import { SafetyMetrics } from '../safety/safety-metrics';

const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The workflow engine's metrics: `tta_workflow_runs_total{workflow,outcome}`,
 * `tta_workflow_step_seconds{workflow,step,status}` and the safety metrics
 * ({@link SafetyMetrics}). Engines of one process share a registry, so each metric is created
 * once and reused.
 */
export class WorkflowMetrics {
  private readonly runs?: Counter<'workflow' | 'outcome'>;
  private readonly steps?: Histogram<'workflow' | 'step' | 'status'>;
  private readonly safety: SafetyMetrics;

  /** Without a registry, every method does nothing. */
  constructor(registry?: Registry) {
    this.safety = new SafetyMetrics(registry);
    if (!registry) return;
    this.runs = reuseMetric(
      registry,
      'tta_workflow_runs_total',
      () =>
        new Counter({
          name: 'tta_workflow_runs_total',
          help: 'Workflow runs that ended, by workflow and outcome (completed, an early outcome such as crisis, failed, cancelled)',
          labelNames: ['workflow', 'outcome'],
          registers: [registry],
        }),
    );
    this.steps = reuseMetric(
      registry,
      'tta_workflow_step_seconds',
      () =>
        new Histogram({
          name: 'tta_workflow_step_seconds',
          help: "Time from a step's task being added to its end, by workflow, step and status (completed, failed)",
          labelNames: ['workflow', 'step', 'status'],
          buckets: STEP_BUCKETS,
          registers: [registry],
        }),
    );
  }

  /** Counts a run that ended for good. */
  runEnded(workflow: string, outcome: string): void {
    this.runs?.inc({ workflow, outcome });
  }

  /** Records how long a step took, from its task being added to its end. */
  stepEnded(workflow: string, step: string, status: string, ms: number): void {
    this.steps?.observe({ workflow, step, status }, Math.max(0, ms) / 1000);
  }

  /** Counts a safety screen a run saw. */
  screened(level: string): void {
    this.safety.screened(level);
  }

  /** Counts a run that ended on a crisis. */
  crisis(): void {
    this.safety.crisis();
  }
}
