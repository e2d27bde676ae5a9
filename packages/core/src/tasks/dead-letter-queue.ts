import { Job, type Queue } from 'bullmq';
import { Counter, type Registry } from 'prom-client';
import {
  deadLetterDataOf,
  toDeadLetterEntry,
  type DeadLetterEntry,
  type DeadLetterJobData,
} from './dead-letter-entry';
import { NotFoundError } from '../errors/not-found-error';
import { TaskExistsError } from '../errors/task-exists-error';
import type { Logger } from '../telemetry/logger';
import { QueueHandles } from '../queues/queue-handles';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { TaskJobData } from './task';
import type { EnqueuedTask } from '@tta/contracts';
import { TaskId } from '../queues/task-id';
import { withinScope, type OwnerScope } from '../auth/owner-scope';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link DeadLetterQueue}. */
export interface DeadLetterQueueOptions {
  /** The connection every queue of this object uses; the caller owns and closes it. */
  connection: RedisClient;
  /** Queue and key names of the deployment (its control shard). */
  names: QueueNames;
  /**
   * The shards of the deployment: each has its own dead-letter queue, which takes the failed
   * tasks of its shard's queues; a task id names its shard. Default: the one shard of `names`.
   */
  shards?: QueueShards;
  /**
   * The capability queues whose failed jobs are dead-lettered, e.g. `TaskRouter.refreshQueues`.
   * Called on every {@link DeadLetterQueue.moveFailed}, so queues added later (pools) are
   * watched too.
   */
  queues: () => readonly string[] | Promise<readonly string[]>;
  /** Where moves, retries and purges are logged. Default: nowhere. */
  logger?: Logger;
  /** How long an entry stays in the dead-letter queue before `purgeExpired` removes it. Default: 30 days. */
  retentionMs?: number;
  /** Most failed jobs one `moveFailed` call looks at in each queue. Default: 500. */
  maxPerQueue?: number;
  /** Where the `tta_tasks_dead_lettered_total{capability}` counter goes. Default: none. */
  metrics?: Registry;
}

/** {@link DeadLetterQueueOptions} with their defaults filled in. */
export interface ResolvedDeadLetterQueueOptions extends DeadLetterQueueOptions {
  shards: QueueShards;
  retentionMs: number;
  maxPerQueue: number;
}

/** Fills the defaults of {@link DeadLetterQueueOptions} and checks them. */
export function resolveDeadLetterQueueOptions(
  options: DeadLetterQueueOptions,
): ResolvedDeadLetterQueueOptions {
  const resolved = {
    ...options,
    shards: options.shards ?? new QueueShards(options.names.prefix),
    retentionMs: options.retentionMs ?? 30 * 24 * 3600 * 1000,
    maxPerQueue: options.maxPerQueue ?? 500,
  };
  if (!(resolved.retentionMs > 0)) throw new Error('DeadLetterQueue: retentionMs must be > 0');
  if (!Number.isInteger(resolved.maxPerQueue) || resolved.maxPerQueue < 1) {
    throw new Error('DeadLetterQueue: maxPerQueue must be a positive integer');
  }
  return resolved;
}

/** Which part of the dead-letter queue {@link DeadLetterQueue.list} reads, newest first (over every shard). */
export interface DeadLetterListOptions {
  /** Index of the first entry. Default: 0. */
  start?: number;
  /** Index of the last entry, inclusive. Default: `start + 49`. */
  end?: number;
  /** Only the entries of this capability. */
  capability?: string;
  /** Only the entries of this owner's tasks (see `OwnerScope`); none: every owner's. */
  owner?: string;
}

/** What an index of the dead-letter queue is narrowed to: all, a capability, an owner, both. */
interface IndexFacet {
  capability?: string | undefined;
  owner?: string | undefined;
}

/** One page of the dead-letter queue. */
export interface DeadLetterPage {
  entries: DeadLetterEntry[];
  /** Entries in the whole queue (of the capability, when filtered). */
  total: number;
}

/** What one {@link DeadLetterQueue.moveFailed} call did. */
export interface MoveFailedResult {
  /** Ids of the tasks moved to the dead-letter queue. */
  moved: string[];
  /** Failed jobs left where they are: cancelled tasks and stages of workflow runs. */
  skipped: number;
}

/** Which entries one {@link DeadLetterQueue.purgeExpired} call removes. */
export interface PurgeExpiredOptions {
  /** Entries that arrived before this time (epoch ms) go. Default: now minus `retentionMs`. */
  before?: number;
  /** Most entries removed per shard. Default: 500. */
  limit?: number;
}

const PAGE_SIZE = 100;
const PURGE_BATCH = 500;

/**
 * The dead-letter queue: a BullMQ queue (`dead-letter`) of tasks that failed for good, with
 * everything needed to understand and retry them. Its jobs are never processed; each holds
 * a {@link DeadLetterJobData} under the id of the task it stands for. Two sorted sets index
 * the entries by the time they arrived, overall and per capability, for paging. Each shard has
 * its own, for the failed tasks of its own queues; this object reads and pages over all.
 */
export class DeadLetterQueue {
  private readonly options: ResolvedDeadLetterQueueOptions;
  private readonly queues: QueueHandles;
  private readonly cursors = new Map<string, number>();
  private readonly deadLettered?: Counter<'capability'>;
  private closing?: Promise<void>;

  constructor(options: DeadLetterQueueOptions) {
    this.options = resolveDeadLetterQueueOptions(options);
    this.queues = new QueueHandles(options.connection, (queue, err) =>
      this.options.logger?.warn('dead-letter queue error', { queue, error: err.message }),
    );
    if (options.metrics) {
      this.deadLettered = new Counter({
        name: 'tta_tasks_dead_lettered_total',
        help: 'Tasks moved to the dead-letter queue',
        labelNames: ['capability'],
        registers: [options.metrics],
      });
    }
  }

  /**
   * Moves the jobs in the `failed` set of every watched queue (exhausted attempts,
   * unrecoverable errors, stalled too often) to the dead-letter queue, at most `maxPerQueue`
   * per queue per call (a cursor per queue resumes where the last call stopped). Entries past
   * their age leave by {@link purgeExpired} (the retention sweeper calls it).
   *
   * A job is skipped, and left in its `failed` set, when its task was cancelled (a
   * `cancelled:<taskId>` key exists: cancellation owns it) or when it is a stage of a workflow
   * run (it has a parent, whose failure policy owns it; removing it would release the parent).
   *
   * Each move adds the dead-letter job under the task's id, indexes it, and only then removes
   * the original. Adding a job whose id exists is a no-op in BullMQ and indexing is `ZADD NX`,
   * so a call that dies between the steps leaves the original in its `failed` set and the next
   * call finishes the move without a second entry; removing first could lose the task.
   */
  async moveFailed(): Promise<MoveFailedResult> {
    const result: MoveFailedResult = { moved: [], skipped: 0 };
    const queues = await this.options.queues();
    for (const shard of this.options.shards.all) {
      for (const name of queues) {
        const { moved, skipped } = await this.moveFailedOf(name, shard);
        result.moved.push(...moved);
        result.skipped += skipped;
      }
    }
    return result;
  }

  /**
   * Removes the entries that arrived before `before`, oldest first, at most `limit` per shard;
   * answers how many. Safe to run from two processes at once: removing an entry twice is a
   * no-op.
   */
  async purgeExpired(options: PurgeExpiredOptions = {}): Promise<number> {
    const before = options.before ?? Date.now() - this.options.retentionMs;
    let purged = 0;
    for (const shard of this.options.shards.all) {
      purged += await this.purgeExpiredOf(shard, before, options.limit ?? PURGE_BATCH);
    }
    return purged;
  }

  /** A page of entries, newest first over every shard, with the total. */
  async list(options: DeadLetterListOptions = {}): Promise<DeadLetterPage> {
    const start = options.start ?? 0;
    const end = options.end ?? start + 49;
    const pages = await Promise.all(
      this.options.shards.all.map((shard) => this.newest(shard, end, options)),
    );
    // Each shard's newest `end + 1`, merged by arrival: the page is among them.
    const ids = pages
      .flatMap((page) => page.newest)
      .sort((a, b) => b.score - a.score)
      .slice(start, end + 1)
      .map(({ id }) => id);
    const found = await Promise.all(ids.map((id) => this.find(id)));
    // An index entry outlives its job only when a removal died half-way: drop it now.
    const stale = ids.filter((_id, i) => found[i] === undefined);
    for (const id of stale) await this.unindex([id], options, this.shardOf(id));
    const entries = found.filter((entry): entry is DeadLetterEntry => entry !== undefined);
    const total = pages.reduce((sum, page) => sum + page.total, 0);
    return { entries, total: total - stale.length };
  }

  /** The entry of a task id, or `undefined` when the task is not in the dead-letter queue. */
  async find(id: string): Promise<DeadLetterEntry | undefined> {
    const job = await this.findJob(id);
    return job ? toDeadLetterEntry(job) : undefined;
  }

  /**
   * The entry of a task id; throws {@link NotFoundError} when there is none, or when it is
   * another owner's (outside `scope`).
   */
  async get(id: string, scope: OwnerScope = {}): Promise<DeadLetterEntry> {
    const entry = await this.find(id);
    if (!entry || !withinScope(scope, entry.task.owner)) {
      throw new NotFoundError('dead-letter entry', id);
    }
    return entry;
  }

  /**
   * Puts a dead-lettered task back in its original queue under the same id, with fresh
   * attempts and its original options, then removes the entry. Throws {@link NotFoundError}
   * for an unknown id and {@link TaskExistsError} when its queue already holds a job of that
   * id (a move still under way: the next `moveFailed` finishes it).
   */
  async retry(id: string, scope: OwnerScope = {}): Promise<EnqueuedTask> {
    const job = await this.findJob(id);
    if (!job || !withinScope(scope, job.data.task.owner)) {
      throw new NotFoundError('dead-letter entry', id);
    }
    const { queue: name, capability, task, retryOptions } = job.data;
    const shard = this.shardOf(id);
    const queue = this.queue(name, shard);
    if (await queue.getJob(id)) throw new TaskExistsError(id, name);
    const data: TaskJobData = { ...task, enqueuedAt: Date.now() };
    await queue.add(capability, data, { ...retryOptions, jobId: id });
    await this.removeEntry(id, { capability, owner: task.owner }, shard);
    this.options.logger?.info('dead-lettered task retried', { taskId: id, queue: name });
    return { id, status: 'queued', capability, queue: name };
  }

  /** Deletes an entry for good; throws {@link NotFoundError} for an unknown id, or another owner's. */
  async remove(id: string, scope: OwnerScope = {}): Promise<void> {
    const { capability, task } = await this.get(id, scope);
    await this.removeEntry(id, { capability, owner: task.owner }, this.shardOf(id));
  }

  /** Closes the queues this object opened (not the connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.queues.close();
    return this.closing;
  }

  private async findJob(id: string): Promise<Job<DeadLetterJobData> | undefined> {
    const shard = this.options.shards.forId(id);
    if (!TaskId.parse(id) || !shard) return undefined;
    return Job.fromId<DeadLetterJobData>(this.deadLetterQueue(shard), id);
  }

  // The shard of an id already found in the dead-letter queue (so a well-formed one).
  private shardOf(id: string): QueueNames {
    return this.options.shards.forId(id) ?? this.options.shards.control;
  }

  // The newest `end + 1` entries of a shard's index, with their arrival times, and its size.
  private async newest(
    shard: QueueNames,
    end: number,
    facet: IndexFacet,
  ): Promise<{ newest: Array<{ id: string; score: number }>; total: number }> {
    const redis = this.options.connection;
    const key = this.indexKey(shard, facet);
    const [flat, total] = await Promise.all([
      redis.zrevrange(key, 0, end, 'WITHSCORES'),
      redis.zcard(key),
    ]);
    const newest: Array<{ id: string; score: number }> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      newest.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    }
    return { newest, total };
  }

  private async moveFailedOf(
    name: string,
    shard: QueueNames,
  ): Promise<{ moved: string[]; skipped: number }> {
    const queue = this.queue(name, shard);
    const cursor = `${shard.prefix}:${name}`;
    const moved: string[] = [];
    let offset = this.cursors.get(cursor) ?? 0;
    let examined = 0;
    let skipped = 0;
    while (examined < this.options.maxPerQueue) {
      const size = Math.min(PAGE_SIZE, this.options.maxPerQueue - examined);
      const ids = await queue.getRanges(['failed'], offset, offset + size - 1, true);
      examined += ids.length;
      const cancelled = await this.cancelledAmong(ids, shard);
      const outcomes = await Promise.all(
        ids.map(async (id) => !cancelled.has(id) && (await this.moveOne(queue, id, shard))),
      );
      outcomes.forEach((ok, i) => (ok ? moved.push(ids[i] as string) : skipped++));
      // Moved jobs leave the set; the ones left behind push the next page further on.
      offset += outcomes.filter((ok) => !ok).length;
      if (ids.length < size) {
        offset = 0;
        break;
      }
    }
    this.cursors.set(cursor, offset);
    return { moved, skipped };
  }

  private async moveOne(queue: Queue, id: string, shard: QueueNames): Promise<boolean> {
    const job = await Job.fromId<TaskJobData>(queue, id);
    if (!job || job.parentKey) return false;
    const data = deadLetterDataOf(job, queue.name);
    await this.deadLetterQueue(shard).add(data.capability, data, { jobId: id });
    await this.index(id, { capability: data.capability, owner: data.task.owner }, shard);
    await queue.remove(id);
    this.deadLettered?.inc({ capability: data.capability });
    this.options.logger?.warn('task dead-lettered', {
      taskId: id,
      queue: queue.name,
      capability: data.capability,
      attempts: data.attempts,
      agentId: data.agentId,
      error: data.error.message,
    });
    return true;
  }

  private async cancelledAmong(ids: readonly string[], shard: QueueNames): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const pipeline = this.options.connection.pipeline();
    for (const id of ids) pipeline.exists(shard.key('cancelled', id));
    const replies = (await pipeline.exec()) ?? [];
    return new Set(
      ids.filter((_id, i) => {
        const [err, exists] = replies[i] ?? [];
        if (err) throw err;
        return exists === 1;
      }),
    );
  }

  private async purgeExpiredOf(shard: QueueNames, before: number, limit: number): Promise<number> {
    const ids = await this.options.connection.zrangebyscore(
      this.indexKey(shard, {}),
      '-inf',
      `(${before}`,
      'LIMIT',
      0,
      limit,
    );
    for (const id of ids) {
      const entry = await this.find(id);
      await this.removeEntry(
        id,
        { capability: entry?.capability, owner: entry?.task.owner },
        shard,
      );
    }
    if (ids.length > 0)
      this.options.logger?.info('dead-letter entries purged', { count: ids.length });
    return ids.length;
  }

  // The job goes first: an index entry left behind by a crash is dropped by the next list().
  private async removeEntry(id: string, facet: IndexFacet, shard: QueueNames): Promise<void> {
    await this.deadLetterQueue(shard).remove(id);
    await this.unindex([id], facet, shard);
  }

  // An entry is in the index of everything, and in those of its capability, of its owner and
  // of both, so that a page of any of them is one sorted-set read.
  private async index(id: string, facet: IndexFacet, shard: QueueNames): Promise<void> {
    const now = Date.now();
    const multi = this.options.connection.multi();
    for (const key of this.indexKeys(shard, facet)) multi.zadd(key, 'NX', now, id);
    throwFirstError(await multi.exec());
  }

  private async unindex(ids: string[], facet: IndexFacet, shard: QueueNames): Promise<void> {
    const multi = this.options.connection.multi();
    for (const key of this.indexKeys(shard, facet)) multi.zrem(key, ...ids);
    throwFirstError(await multi.exec());
  }

  private indexKeys(shard: QueueNames, { capability, owner }: IndexFacet): string[] {
    const keys = [this.indexKey(shard, {})];
    if (capability !== undefined) keys.push(this.indexKey(shard, { capability }));
    if (owner !== undefined) keys.push(this.indexKey(shard, { owner }));
    if (capability !== undefined && owner !== undefined) {
      keys.push(this.indexKey(shard, { capability, owner }));
    }
    return keys;
  }

  private indexKey(shard: QueueNames, { capability, owner }: IndexFacet): string {
    const byOwner = owner === undefined ? [] : ['owner', owner];
    const byCapability = capability === undefined ? [] : ['capability', capability];
    return shard.key('dead-letter-index', ...byOwner, ...byCapability);
  }

  private deadLetterQueue(shard: QueueNames): Queue {
    return this.queue(shard.deadLetter, shard);
  }

  private queue(name: string, shard: QueueNames): Queue {
    return this.queues.get(name, shard);
  }
}

function throwFirstError(replies: Array<[Error | null, unknown]> | null): void {
  const failed = replies?.find(([err]) => err !== null);
  if (failed?.[0]) throw failed[0];
}
