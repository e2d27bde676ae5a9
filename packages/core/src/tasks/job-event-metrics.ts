import type { Job, Worker } from 'bullmq';
import { Counter, type Registry } from 'prom-client';
import { reuseMetric } from '../telemetry/metrics';
import type { TaskJobData } from './task';

/**
 * Counts what BullMQ workers report about their jobs, from the workers' own events (no Redis
 * read): `tta_tasks_retried_total{capability,agent_type}`, failed attempts that BullMQ retries,
 * and `tta_tasks_stalled_total{queue}`, jobs whose lock expired (their worker died or blocked),
 * found by this process's stalled checks and put back to wait.
 */
export class JobEventMetrics {
  private readonly retried: Counter<'capability' | 'agent_type'>;
  private readonly stalled: Counter<'queue'>;

  constructor(metrics: Registry) {
    this.retried = reuseMetric(
      metrics,
      'tta_tasks_retried_total',
      () =>
        new Counter({
          name: 'tta_tasks_retried_total',
          help: 'Failed task attempts that will be retried (attempts left, error not unrecoverable)',
          labelNames: ['capability', 'agent_type'],
          registers: [metrics],
        }),
    );
    this.stalled = reuseMetric(
      metrics,
      'tta_tasks_stalled_total',
      () =>
        new Counter({
          name: 'tta_tasks_stalled_total',
          help: "Jobs whose lock expired (their worker died or blocked), found by this process's stalled checks",
          labelNames: ['queue'],
          registers: [metrics],
        }),
    );
  }

  /** Counts the stalled jobs that `worker`'s stalled checks find, by its queue. */
  countStalled(worker: Worker): void {
    worker.on('stalled', () => this.stalled.inc({ queue: worker.name }));
  }

  /** Counts the failed attempts of `worker`'s task jobs that BullMQ retries. */
  countRetries(worker: Worker<TaskJobData>, agentType: string): void {
    worker.on('failed', (job, error) => {
      if (job && willRetry(job, error)) {
        this.retried.inc({ capability: job.data.capability, agent_type: agentType });
      }
    });
  }
}

// As BullMQ decides in Job.moveToFailed, which has counted the attempt by the time the worker
// emits `failed`.
function willRetry(job: Job<TaskJobData>, error: Error): boolean {
  return error.name !== 'UnrecoverableError' && job.attemptsMade < (job.opts.attempts ?? 1);
}
