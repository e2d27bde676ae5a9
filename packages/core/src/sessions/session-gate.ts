import { Job, Queue } from 'bullmq';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import { SessionOrder, type TaskProgress } from './session-order';
import { TaskId } from '../queues/task-id';
import type { RedisClient } from '../redis/redis-connection';

/** What a job in session order carries: tasks (`TaskJobData`) and workflow runs alike. */
export interface SessionOrderedData {
  sessionId?: string;
  /** When the job joined its session's order (see {@link SessionOrder}). */
  orderedAt?: number;
}

/** Options of {@link SessionGate}. */
export interface SessionGateOptions {
  connection: RedisClient;
  /** Names of the control shard: the shard of a job whose id names none. */
  names: QueueNames;
  /**
   * The shards of the deployment: a job's session order is the one of the shard its id names.
   * Default: the one shard of `names`.
   */
  shards?: QueueShards;
  logger: Logger;
  /**
   * How long a task waiting for an earlier one of its session stays parked (delayed) before it
   * looks again, should the earlier task's agent die before handing over. Default: 1000 ms.
   */
  parkMs?: number;
}

/**
 * The processing side of {@link SessionOrder}, for agents and the workflow engine alike: lets
 * an ordered task (or run) go on only when it heads its session's order, parks it (BullMQ
 * delayed) otherwise, and on its end hands the turn to the next one, promoting it from delayed
 * at once.
 */
export class SessionGate {
  private readonly shards: QueueShards;
  /** By shard index. */
  private readonly orders: SessionOrder[];
  private readonly queues = new Map<string, Queue>();
  private readonly parkMs: number;

  constructor(private readonly options: SessionGateOptions) {
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
    this.orders = this.shards.all.map((names) => new SessionOrder(options.connection, { names }));
    this.parkMs = options.parkMs ?? 1000;
  }

  /** Whether the task of `job` runs in session order. */
  static applies(job: Job<SessionOrderedData>): boolean {
    return job.data.orderedAt !== undefined && job.data.sessionId !== undefined;
  }

  /**
   * `true` when the task may run now. Otherwise the job has been moved to delayed and the
   * caller must throw BullMQ's `DelayedError`.
   */
  async enter(job: Job<SessionOrderedData>, token: string | undefined): Promise<boolean> {
    const { sessionId, entry, order } = this.place(job);
    const progressOf = (taskId: string) => this.progressOf(taskId);
    if ((await order.turn(sessionId, entry, progressOf)) === 'run') return true;
    await job.moveToDelayed(Date.now() + this.parkMs, token);
    // The earlier task may have ended between the look and the parking: take the turn now.
    if ((await order.turn(sessionId, entry, progressOf)) === 'run') {
      await job.promote().catch(() => undefined);
    }
    return false;
  }

  /** Ends the task's turn and promotes the next task of the session if it is parked. */
  async leave(job: Job<SessionOrderedData>): Promise<void> {
    const { sessionId, entry, order } = this.place(job);
    const next = await order.release(sessionId, entry);
    const queue = next && this.queueOf(next);
    if (!next || !queue) return;
    try {
      const waiting = await Job.fromId(queue, next);
      if (waiting && (await waiting.isDelayed())) await waiting.promote();
    } catch (err) {
      // It was promoted by another agent or started meanwhile; the park delay covers the rest.
      this.options.logger.debug('session order: next task not promoted', {
        taskId: next,
        error: toError(err).message,
      });
    }
  }

  /** Closes the queues opened for look-ups (not the shared connection). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private place(job: Job<SessionOrderedData>): {
    sessionId: string;
    entry: string;
    order: SessionOrder;
  } {
    return {
      sessionId: job.data.sessionId as string,
      entry: SessionOrder.entry(String(job.id), job.data.orderedAt as number),
      order: this.orders[this.shardOf(String(job.id)).shard] as SessionOrder,
    };
  }

  private shardOf(id: string): QueueNames {
    return this.shards.forId(id) ?? this.shards.control;
  }

  private async progressOf(taskId: string): Promise<TaskProgress> {
    const queue = this.queueOf(taskId);
    if (!queue) return 'missing';
    const state = await queue.getJobState(taskId);
    if (state === 'unknown') return 'missing';
    return state === 'completed' || state === 'failed' ? 'ended' : 'pending';
  }

  private queueOf(taskId: string): Queue | undefined {
    const parsed = TaskId.parse(taskId);
    if (!parsed) return undefined;
    const { prefix } = this.shardOf(taskId);
    const key = `${prefix}:${parsed.queue}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(parsed.queue, { connection: this.options.connection, prefix });
      queue.on('error', () => undefined);
      this.queues.set(key, queue);
    }
    return queue;
  }
}
