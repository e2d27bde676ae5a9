import { Job, type Queue } from 'bullmq';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { TaskId } from '../queues/task-id';
import { TaskTombstones } from '../tasks/task-tombstones';
import type { WorkflowRunData } from './workflow-types';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link RunCancelWatcher}. */
export interface RunCancelWatcherOptions {
  /** A connection to duplicate for the subscription; not closed by the watcher. */
  connection: RedisClient;
  /** Key names of the deployment. */
  names: QueueNames;
  /** The `workflow` queue. */
  queue: Queue<WorkflowRunData>;
  /** Aborts the running steps of a cancelled run that waits for them. */
  stopSteps: (job: Job<WorkflowRunData>) => Promise<void>;
  /** Where failures are logged. */
  logger: Logger;
  /** Looks at each run waiting for its steps on every sweep (the safety screen's deadline). */
  checkWaiting?: (job: Job<WorkflowRunData>) => Promise<void>;
  /** How often waiting runs are checked for cancel markers, should a message be missed. Default: 1000 ms. */
  sweepIntervalMs?: number;
}

/** Most waiting runs one sweep looks at. */
const SWEEP_LIMIT = 1000;

/**
 * Wakes cancelled runs that the engine is not processing: a run waiting for its steps gets its
 * running steps aborted (so its parent job is released and the engine ends it), a run parked
 * for its session's turn is promoted. It learns of cancellations from the cancel channel
 * (`<prefix>:cancel`) and, in case a message was missed, by sweeping waiting runs for cancel
 * markers.
 */
export class RunCancelWatcher {
  private readonly tombstones: TaskTombstones;
  private subscriber?: RedisClient;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(private readonly options: RunCancelWatcherOptions) {
    this.tombstones = new TaskTombstones(options.connection, { names: options.names });
  }

  /** Subscribes to the cancel channel and starts sweeping. */
  async start(): Promise<void> {
    const subscriber = this.options.connection.duplicate();
    subscriber.on('error', (err) => this.warn('cancel subscription error', err));
    subscriber.on('message', (_channel, id: string) => void this.wake(id));
    this.subscriber = subscriber;
    await subscriber.subscribe(this.tombstones.channel);
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, this.options.sweepIntervalMs ?? 1000);
  }

  /** Stops listening and sweeping. Safe to call twice. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private async sweep(): Promise<void> {
    try {
      const jobs = await this.options.queue.getJobs(
        ['waiting-children', 'delayed'],
        0,
        SWEEP_LIMIT - 1,
      );
      const ids = jobs.map((job) => String(job.id));
      const cancelled = await this.tombstones.cancelledAmong(ids);
      await Promise.all(cancelled.map((id) => this.wake(id)));
      const check = this.options.checkWaiting;
      if (check) {
        const waiting = jobs.filter((job) => !cancelled.includes(String(job.id)));
        await Promise.all(
          waiting.map((job) =>
            check(job).catch((err) => this.warn('run check failed', err, String(job.id))),
          ),
        );
      }
    } catch (err) {
      this.warn('cancel sweep failed', err);
    }
  }

  private async wake(id: string): Promise<void> {
    if (TaskId.parse(id)?.queue !== this.options.names.workflow) return;
    try {
      const job = await Job.fromId<WorkflowRunData>(this.options.queue, id);
      if (!job) return;
      const state = await job.getState();
      if (state === 'waiting-children') await this.options.stopSteps(job);
      else if (state === 'delayed') await job.promote();
    } catch (err) {
      this.warn('could not wake a cancelled run', err, id);
    }
  }

  private warn(message: string, err: unknown, workflowRunId?: string): void {
    this.options.logger.warn(message, {
      ...(workflowRunId !== undefined && { workflowRunId }),
      error: toError(err).message,
    });
  }
}
