import { Counter, type Registry } from 'prom-client';

/**
 * The workflow engine's metrics: `tta_workflow_runs_total{workflow,outcome}`,
 * `tta_safety_screens_total{level}` and `tta_safety_crisis_total`. Engines of one process
 * share a registry, so each metric is created once and reused.
 */
export class WorkflowMetrics {
  private readonly runs?: Counter<'workflow' | 'outcome'>;
  private readonly screens?: Counter<'level'>;
  private readonly crises?: Counter;

  /** Without a registry, every method does nothing. */
  constructor(registry?: Registry) {
    if (!registry) return;
    this.runs = counter(
      registry,
      'tta_workflow_runs_total',
      'Workflow runs that ended, by workflow and outcome (completed, an early outcome such as crisis, failed, cancelled)',
      ['workflow', 'outcome'],
    );
    this.screens = counter(
      registry,
      'tta_safety_screens_total',
      'Safety screens seen by workflow runs, by level',
      ['level'],
    );
    this.crises = counter(
      registry,
      'tta_safety_crisis_total',
      'Workflow runs that ended on a safety crisis',
      [],
    );
  }

  /** Counts a run that ended for good. */
  runEnded(workflow: string, outcome: string): void {
    this.runs?.inc({ workflow, outcome });
  }

  /** Counts a safety screen a run saw. */
  screened(level: string): void {
    this.screens?.inc({ level });
  }

  /** Counts a run that ended on a crisis. */
  crisis(): void {
    this.crises?.inc();
  }
}

function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}
