import { JobEventMetrics, reuseMetric, type TaskJobData, type TaskJobResult } from '@tta/core';
import type { Worker } from 'bullmq';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The task metrics an agent process exports: completed and failed attempts, run and wait time
 * and running tasks (from the task executor), retried attempts and stalled jobs (from the
 * BullMQ workers' events). Runtimes of one process share the metrics of its registry.
 */
export class TaskMetrics {
  private readonly completed: Counter<'capability' | 'agent_type'>;
  private readonly failed: Counter<'capability' | 'agent_type'>;
  private readonly runSeconds: Histogram<'capability' | 'agent_type'>;
  private readonly waitSeconds: Histogram<'capability' | 'agent_type'>;
  private readonly active: Gauge<'agent_type'>;
  private readonly jobEvents: JobEventMetrics;

  constructor(registry: Registry) {
    const labelNames = ['capability', 'agent_type'] as const;
    const registers = [registry];
    this.completed = reuseMetric(
      registry,
      'tta_tasks_completed_total',
      () =>
        new Counter({
          name: 'tta_tasks_completed_total',
          help: 'Tasks completed by this agent process',
          labelNames,
          registers,
        }),
    );
    this.failed = reuseMetric(
      registry,
      'tta_tasks_failed_total',
      () =>
        new Counter({
          name: 'tta_tasks_failed_total',
          help: 'Task attempts that failed in this agent process',
          labelNames,
          registers,
        }),
    );
    this.runSeconds = reuseMetric(
      registry,
      'tta_task_run_seconds',
      () =>
        new Histogram({
          name: 'tta_task_run_seconds',
          help: 'Handler run time',
          labelNames,
          buckets: BUCKETS,
          registers,
        }),
    );
    this.waitSeconds = reuseMetric(
      registry,
      'tta_task_wait_seconds',
      () =>
        new Histogram({
          name: 'tta_task_wait_seconds',
          help: 'Time from enqueue to handler start',
          labelNames,
          buckets: BUCKETS,
          registers,
        }),
    );
    this.active = reuseMetric(
      registry,
      'tta_tasks_active',
      () =>
        new Gauge({
          name: 'tta_tasks_active',
          help: 'Tasks running now in this agent process',
          labelNames: ['agent_type'],
          registers,
        }),
    );
    this.jobEvents = new JobEventMetrics(registry);
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

  /** Counts the retried attempts and the stalled jobs that `worker` reports. */
  watch(worker: Worker<TaskJobData, TaskJobResult>, agentType: string): void {
    this.jobEvents.countRetries(worker, agentType);
    this.jobEvents.countStalled(worker);
  }
}
