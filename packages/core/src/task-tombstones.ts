import type { QueueNames } from './queue-names';
import type { TaskView } from './task';
import type { RedisClient } from './redis-connection';

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
  /** Epoch ms when the API accepted the task. */
  enqueuedAt: number;
  /** Epoch ms when it was cancelled. */
  cancelledAt: number;
  /** Why it was cancelled, as the caller said. */
  reason: string;
}

/** Options of {@link TaskTombstones}. */
export interface TaskTombstonesOptions {
  /** Key names of the deployment. */
  names: QueueNames;
}

/**
 * The tombstones of cancelled tasks: a hash `<prefix>:cancelled:<taskId>` per task, written
 * before its job is removed or aborted, and the pub/sub channel `<prefix>:cancel` on which
 * the id of a cancelled running task is announced to the agents.
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

  /** The tombstone of a task, or `undefined` when it was not cancelled (or it expired). */
  async read(taskId: string): Promise<TaskTombstone | undefined> {
    return parseTombstone(taskId, await this.redis.hgetall(this.key(taskId)));
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
