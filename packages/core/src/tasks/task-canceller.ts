import type { OwnerBacklog } from '../admission/owner-backlog';
import { MAX_CANCEL_REASON_LENGTH } from '@tta/contracts';
import { withinScope, type OwnerScope } from '../auth/owner-scope';
import { Job, type Queue } from 'bullmq';
import { Counter, type Registry } from 'prom-client';
import { NotFoundError } from '../errors/not-found-error';
import { RedisUnavailableError } from '../errors/redis-unavailable-error';
import { redisFailure } from '../errors/redis-failure';
import { TaskFinishedError } from '../errors/task-finished-error';
import { ValidationError } from '../errors/validation-error';
import { reuseMetric } from '../telemetry/metrics';
import type { QueueNames } from '../queues/queue-names';
import type { TaskJobData } from './task';
import { TaskId } from '../queues/task-id';
import type { TaskRouter } from '../routing/task-router';
import type { TaskService } from './task-service';
import { TaskTombstones, tombstoneOf } from './task-tombstones';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link TaskCanceller}. */
export interface TaskCancellerOptions {
  /** Key names of the deployment (its control shard). */
  names: QueueNames;
  /** Knows the queues a task id may name; an id of any other queue is unknown. */
  router: TaskRouter;
  /**
   * Opens the queues, on its producer connection, and finds the queue and shard of a task id
   * (a task's tombstone lives on its shard).
   */
  tasks: TaskService;
  /**
   * How long the tombstone of a cancelled task, and so its `cancelled` status, stays readable.
   * Default: 604,800,000 ms (7 days, as config `tasks.keepFailedSeconds`).
   */
  tombstoneTtlMs?: number;
  /** Where cancellations are counted (`tta_tasks_cancelled_total{capability}`). Default: none. */
  metrics?: Registry;
  /** The owners' waiting tasks: a cancelled task is counted out at once. Default: none. */
  backlog?: OwnerBacklog;
}

/** Options of {@link TaskCanceller.cancel}. */
export interface CancelTaskOptions extends OwnerScope {
  /** Why the task is cancelled, kept in its tombstone (at most 256 characters). Default: `'cancelled by request'`. */
  reason?: string;
}

/** The answer to a cancellation. */
export interface CancelledTask {
  /** The cancelled task. */
  id: string;
  /**
   * Always `cancelled`: a pending task was removed and will never run; a running one is
   * being aborted by its agent (within a heartbeat at worst) and will not be retried.
   */
  status: 'cancelled';
}

const PENDING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Cancels tasks in any process. It first writes the task's tombstone (`<prefix>:cancelled:<id>`),
 * then removes a pending job, so it never runs, or publishes the id of a running one on
 * `<prefix>:cancel`, so the agent running it aborts it at once. Agents also look for
 * tombstones of their running tasks on every heartbeat, so a missed message delays the abort
 * by a heartbeat at most. Cancelling again answers the same and retries the removal or the
 * announcement.
 */
export class TaskCanceller {
  private readonly tombstoneTtlMs: number;
  private readonly cancelled?: Counter<'capability'>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: TaskCancellerOptions,
  ) {
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 604_800_000;
    if (!Number.isInteger(this.tombstoneTtlMs) || this.tombstoneTtlMs <= 0) {
      throw new TypeError('TaskCanceller: tombstoneTtlMs must be a positive integer');
    }
    if (options.metrics) this.cancelled = cancelledCounter(options.metrics);
  }

  /**
   * Cancels a task. Throws {@link NotFoundError} for an unknown id, {@link TaskFinishedError}
   * for a task that already completed or failed (it is left as it is), and
   * {@link RedisUnavailableError} when Redis does not answer.
   */
  async cancel(id: string, options: CancelTaskOptions = {}): Promise<CancelledTask> {
    const reason = options.reason ?? 'cancelled by request';
    if (reason.length > MAX_CANCEL_REASON_LENGTH) {
      throw new ValidationError([
        { path: 'reason', message: `must be at most ${MAX_CANCEL_REASON_LENGTH} characters` },
      ]);
    }
    const { name, shard, tombstones } = this.locate(id);
    if (this.redis.status !== 'ready') throw new RedisUnavailableError();
    try {
      // A pool queue nobody declared or used holds no job: no queue is opened for it.
      const held = await this.options.router.holdsTasks(name);
      const queue = held ? this.options.tasks.queue(name, shard) : undefined;
      const job = queue && (await Job.fromId<TaskJobData>(queue, id));
      await assertOwned(tombstones, id, job?.data.owner, job !== undefined, options);
      const outcome =
        queue && job
          ? await tombstones.write(
              queue,
              tombstoneOf(queue, job, job.data.capability, reason),
              this.tombstoneTtlMs,
            )
          : await tombstones.outcomeWithoutJob(id);
      if (outcome === 'missing') throw new NotFoundError('task', id);
      if (outcome === 'completed' || outcome === 'failed') throw new TaskFinishedError(id, outcome);
      // Counted once per task: a repeat finds the tombstone and answers `cancelled`.
      if (job && outcome === 'written') this.cancelled?.inc({ capability: job.data.capability });
      if (queue && job) {
        const owner = job.data.owner;
        await Promise.all([
          this.stop(queue, tombstones, id),
          owner !== undefined && this.options.backlog?.remove(owner, [id]),
        ]);
      }
      return { id, status: 'cancelled' };
    } catch (err) {
      throw redisFailure(err, this.redis);
    }
  }

  // The task's queue name and shard, and the tombstones of its shard: the tombstone shares the
  // queue's slot.
  private locate(id: string): { name: string; shard: QueueNames; tombstones: TaskTombstones } {
    const parsed = TaskId.parse(id);
    if (!parsed || !this.options.router.isTaskQueue(parsed.queue)) {
      throw new NotFoundError('task', id);
    }
    const { queue, shard } = this.options.tasks.locate(id);
    return { name: queue, shard, tombstones: new TaskTombstones(this.redis, { names: shard }) };
  }

  // A pending job is removed; one that is running (or became active, and so locked, since its
  // state was read) is announced to the agents.
  private async stop(queue: Queue, tombstones: TaskTombstones, id: string): Promise<void> {
    const state = await queue.getJobState(id);
    if (PENDING_STATES.has(state) && (await queue.remove(id)) === 1) return;
    if (state === 'active' || PENDING_STATES.has(state)) {
      await this.redis.publish(tombstones.channel, id);
    }
  }
}

function cancelledCounter(metrics: Registry): Counter<'capability'> {
  return reuseMetric(
    metrics,
    'tta_tasks_cancelled_total',
    () =>
      new Counter({
        name: 'tta_tasks_cancelled_total',
        help: 'Tasks cancelled (waiting ones removed, running ones aborted), counted once per task',
        labelNames: ['capability'],
        registers: [metrics],
      }),
  );
}

/**
 * Throws {@link NotFoundError} (of `what`) when the task or run (its job, or once the job is
 * gone its tombstone)
 * belongs to an owner outside `scope`: another owner's task reads as unknown.
 */
export async function assertOwned(
  tombstones: TaskTombstones,
  id: string,
  jobOwner: string | undefined,
  hasJob: boolean,
  scope: OwnerScope,
  what = 'task',
): Promise<void> {
  if (scope.owner === undefined) return;
  const owner = hasJob ? jobOwner : (await tombstones.read(id))?.owner;
  if (!hasJob && owner === undefined) return;
  if (!withinScope(scope, owner)) throw new NotFoundError(what, id);
}
