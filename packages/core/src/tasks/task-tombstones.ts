import type { Job, Queue } from 'bullmq';
import type { QueueNames } from '../queues/queue-names';
import type { TaskView } from '@tta/contracts';
import type { RedisClient } from '../redis/redis-connection';

/** What the tombstone of a cancelled task records; it outlives the task's job. */
export interface TaskTombstone {
  /** The cancelled task. */
  taskId: string;
  /** The capability it asked for. */
  capability: string;
  /** The queue the task was in. */
  queue: string;
  /** Its input, so that it stays readable once the job is removed. */
  input: Record<string, unknown>;
  /** Its player session, when it had one. */
  sessionId?: string;
  /** Its owner (see `OwnerScope`), when it had one. */
  owner?: string;
  /** Epoch ms when the API accepted the task. */
  enqueuedAt: number;
  /** Epoch ms when it was cancelled. */
  cancelledAt: number;
  /** Why it was cancelled, as the caller said. */
  reason: string;
}

/** What writing a tombstone found: it was written, or why not. */
export type TombstoneOutcome = 'written' | 'cancelled' | 'missing' | 'completed' | 'failed';

// Writes the tombstone unless the job is already cancelled, unknown or finished, atomically
// with respect to BullMQ's own scripts (a job cannot finish between the check and the write).
// With a session (KEYS[5]), adds the task to the session's set of tombstones, which lives as
// long as its newest one.
const WRITE_TOMBSTONE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 'cancelled' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'missing' end
if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 'completed' end
if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 'failed' end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if KEYS[5] then
  redis.call('SADD', KEYS[5], ARGV[1])
  redis.call('PEXPIRE', KEYS[5], ARGV[2])
end
return 'written'`;

/** Options of {@link TaskTombstones}. */
export interface TaskTombstonesOptions {
  /** Key names of the deployment. */
  names: QueueNames;
}

/**
 * The tombstones of cancelled tasks: a hash `<prefix>:cancelled:<taskId>` per task, written
 * before its job is removed or aborted, a set of the cancelled task ids of each player session
 * (`<prefix>:session:<id>:cancelled`, for erasure), and the pub/sub channel `<prefix>:cancel` on
 * which the id of a cancelled running task is announced to the agents.
 */
export class TaskTombstones {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: TaskTombstonesOptions,
  ) {}

  /** The channel that carries the ids of cancelled tasks to the agents that may run them. */
  get channel(): string {
    return this.options.names.key('cancel');
  }

  /** The tombstone key of a task. */
  key(taskId: string): string {
    return this.options.names.key('cancelled', taskId);
  }

  /** The set of the ids of a session's cancelled tasks. */
  sessionKey(sessionId: string): string {
    return this.options.names.key('session', sessionId, 'cancelled');
  }

  /**
   * Writes the tombstone of the job `tombstone.taskId` of `queue` (a task, or a workflow run's
   * parent job), kept `ttlMs`, unless it is already cancelled, unknown or finished. The one
   * cancellation marker of tasks and runs.
   */
  async write(queue: Queue, tombstone: TaskTombstone, ttlMs: number): Promise<TombstoneOutcome> {
    const id = tombstone.taskId;
    const keys = [this.key(id), queue.toKey(id), queue.toKey('completed'), queue.toKey('failed')];
    if (tombstone.sessionId !== undefined) keys.push(this.sessionKey(tombstone.sessionId));
    const fields = tombstoneFields(tombstone);
    return (await this.redis.eval(
      WRITE_TOMBSTONE,
      keys.length,
      ...keys,
      id,
      ttlMs,
      ...fields,
    )) as TombstoneOutcome;
  }

  /** `cancelled` when a job that is gone left a tombstone, else `missing`. */
  async outcomeWithoutJob(taskId: string): Promise<'cancelled' | 'missing'> {
    return (await this.redis.exists(this.key(taskId))) === 1 ? 'cancelled' : 'missing';
  }

  /** The tombstone of a task, or `undefined` when it was not cancelled (or it expired). */
  async read(taskId: string): Promise<TaskTombstone | undefined> {
    return parseTombstone(taskId, await this.redis.hgetall(this.key(taskId)));
  }

  /**
   * Deletes the tombstones of a session's cancelled tasks and the set that lists them (erasure
   * of the session), by that set, without a scan; answers how many tombstones went.
   */
  async removeSession(sessionId: string): Promise<number> {
    const set = this.sessionKey(sessionId);
    const ids = await this.redis.smembers(set);
    const removed = ids.length === 0 ? 0 : await this.redis.del(...ids.map((id) => this.key(id)));
    await this.redis.del(set);
    return removed;
  }

  /** Those of `taskIds` that have a tombstone, in one round trip. */
  async cancelledAmong(taskIds: readonly string[]): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of taskIds) pipeline.exists(this.key(id));
    const replies = (await pipeline.exec()) ?? [];
    return taskIds.filter((_id, i) => {
      const [err, exists] = replies[i] ?? [];
      if (err) throw err;
      return exists === 1;
    });
  }
}

/** What a tombstone needs of a job's data: a task's, or a workflow run's. */
interface CancellableData {
  input: Record<string, unknown>;
  sessionId?: string;
  owner?: string;
  enqueuedAt?: number;
}

/**
 * The tombstone of a job of `queue` cancelled now for `reason`; `capability` names what it
 * asked for (a task's capability, a run's workflow).
 */
export function tombstoneOf(
  queue: Queue,
  job: Job<CancellableData>,
  capability: string,
  reason: string,
): TaskTombstone {
  return {
    taskId: String(job.id),
    capability,
    queue: queue.name,
    input: job.data.input,
    ...(job.data.sessionId !== undefined && { sessionId: job.data.sessionId }),
    ...(job.data.owner !== undefined && { owner: job.data.owner }),
    enqueuedAt: job.data.enqueuedAt ?? job.timestamp,
    cancelledAt: Date.now(),
    reason,
  };
}

/** The hash fields of a tombstone, as `HSET` arguments (field, value, field, value...). */
export function tombstoneFields(tombstone: TaskTombstone): string[] {
  const fields = [
    ['taskId', tombstone.taskId],
    ['capability', tombstone.capability],
    ['queue', tombstone.queue],
    ['input', JSON.stringify(tombstone.input)],
    ['enqueuedAt', String(tombstone.enqueuedAt)],
    ['cancelledAt', String(tombstone.cancelledAt)],
    ['reason', tombstone.reason],
  ];
  if (tombstone.sessionId !== undefined) fields.push(['sessionId', tombstone.sessionId]);
  if (tombstone.owner !== undefined) fields.push(['owner', tombstone.owner]);
  return fields.flat();
}

function parseTombstone(taskId: string, hash: Record<string, string>): TaskTombstone | undefined {
  if (hash.cancelledAt === undefined) return undefined;
  const tombstone: TaskTombstone = {
    taskId,
    capability: hash.capability ?? '',
    queue: hash.queue ?? '',
    input: hash.input ? (JSON.parse(hash.input) as Record<string, unknown>) : {},
    enqueuedAt: Number(hash.enqueuedAt ?? hash.cancelledAt),
    cancelledAt: Number(hash.cancelledAt),
    reason: hash.reason ?? '',
  };
  if (hash.sessionId !== undefined) tombstone.sessionId = hash.sessionId;
  if (hash.owner !== undefined) tombstone.owner = hash.owner;
  return tombstone;
}

/**
 * How a cancelled task reads: what its job still says (attempts, timings, agent), or what the
 * tombstone kept once the job is gone, with status `cancelled`. A task cancelled while its
 * handler ran reads cancelled even if the handler returned before the abort reached it.
 */
export function cancelledView(tombstone: TaskTombstone, job?: TaskView): TaskView {
  const view: TaskView = job
    ? { ...job }
    : {
        id: tombstone.taskId,
        status: 'cancelled',
        capability: tombstone.capability,
        queue: tombstone.queue,
        input: tombstone.input,
        attempts: 0,
        timings: { enqueuedAt: tombstone.enqueuedAt },
      };
  if (!job && tombstone.sessionId !== undefined) view.sessionId = tombstone.sessionId;
  view.status = 'cancelled';
  view.cancelledAt = tombstone.cancelledAt;
  view.cancelReason = tombstone.reason;
  delete view.result;
  delete view.usage;
  delete view.error;
  return view;
}
