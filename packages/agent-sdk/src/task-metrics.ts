import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The task metrics an agent process exports. */
export class TaskMetrics {
  private readonly completed: Counter<'capability' | 'agent_type'>;
  private readonly failed: Counter<'capability' | 'agent_type'>;
  private readonly runSeconds: Histogram<'capability' | 'agent_type'>;
  private readonly waitSeconds: Histogram<'capability' | 'agent_type'>;
  private readonly active: Gauge<'agent_type'>;

  constructor(registry: Registry) {
    const labelNames = ['capability', 'agent_type'] as const;
    const buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    this.completed = new Counter({
      name: 'tta_tasks_completed_total',
      help: 'Tasks completed by this agent process',
      labelNames,
      registers: [registry],
    });
    this.failed = new Counter({
      name: 'tta_tasks_failed_total',
      help: 'Task attempts that failed in this agent process',
      labelNames,
      registers: [registry],
    });
    this.runSeconds = new Histogram({
      name: 'tta_task_run_seconds',
      help: 'Handler run time',
      labelNames,
      buckets,
      registers: [registry],
    });
    this.waitSeconds = new Histogram({
      name: 'tta_task_wait_seconds',
      help: 'Time from enqueue to handler start',
      labelNames,
      buckets,
      registers: [registry],
    });
    this.active = new Gauge({
      name: 'tta_tasks_active',
      help: 'Tasks running now in this agent process',
      labelNames: ['agent_type'],
      registers: [registry],
    });
  }

  /** Records a task's start. */
  started(agentType: string, capability: string, waitMs: number): void {
    this.waitSeconds.observe({ capability, agent_type: agentType }, Math.max(0, waitMs) / 1000);
    this.active.inc({ agent_type: agentType });
  }

  /** Records a task's end. */
  finished(agentType: string, capability: string, runMs: number, ok: boolean): void {
    const labels = { capability, agent_type: agentType };
    this.active.dec({ agent_type: agentType });
    this.runSeconds.observe(labels, runMs / 1000);
    (ok ? this.completed : this.failed).inc(labels);
  }
}
