import { Job, type Queue } from 'bullmq';
import { Counter } from 'prom-client';
import {
  deadLetterDataOf,
  toDeadLetterEntry,
  type DeadLetterEntry,
  type DeadLetterJobData,
} from './dead-letter-entry';
import { DeadLetterIndex, type DeadLetterFacet } from './dead-letter-index';
import {
  resolveDeadLetterQueueOptions,
  type DeadLetterListOptions,
  type DeadLetterPage,
  type DeadLetterQueueOptions,
  type MoveFailedResult,
  type PurgeExpiredOptions,
  type ResolvedDeadLetterQueueOptions,
} from './dead-letter-queue-options';
import { NotFoundError } from '../errors/not-found-error';
import { TaskExistsError } from '../errors/task-exists-error';
import { QueueHandles } from '../queues/queue-handles';
import type { QueueNames } from '../queues/queue-names';
import type { TaskJobData } from './task';
import type { EnqueuedTask } from '@tta/contracts';
import { TaskId } from '../queues/task-id';
import { withinScope, type OwnerScope } from '../auth/owner-scope';

const PAGE_SIZE = 100;
const PURGE_BATCH = 500;

/**
 * The dead-letter queue: a BullMQ queue (`dead-letter`) of tasks that failed for good, with
 * everything needed to understand and retry them. Its jobs are never processed; each holds
 * a {@link DeadLetterJobData} under the id of the task it stands for. Sorted sets index the
 * entries by the time they arrived ({@link DeadLetterIndex}): overall, per capability and owner
 * for paging, per player session for erasure. Each shard has its own, for the failed tasks of
 * its own queues; this object reads and pages over all.
 */
export class DeadLetterQueue {
  private readonly options: ResolvedDeadLetterQueueOptions;
  private readonly queues: QueueHandles;
  private readonly index: DeadLetterIndex;
  private readonly cursors = new Map<string, number>();
  private readonly deadLettered?: Counter<'capability'>;
  private closing?: Promise<void>;

  constructor(options: DeadLetterQueueOptions) {
    this.options = resolveDeadLetterQueueOptions(options);
    this.index = new DeadLetterIndex(options.connection);
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
    const facet = { capability: options.capability, owner: options.owner };
    const pages = await Promise.all(
      this.options.shards.all.map((shard) => this.index.newest(shard, end, facet)),
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
    for (const id of stale) await this.index.remove(this.shardOf(id), [id], facet);
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
    await this.removeEntry(id, facetOf(job.data), shard);
    this.options.logger?.info('dead-lettered task retried', { taskId: id, queue: name });
    return { id, status: 'queued', capability, queue: name };
  }

  /** Deletes an entry for good; throws {@link NotFoundError} for an unknown id, or another owner's. */
  async remove(id: string, scope: OwnerScope = {}): Promise<void> {
    const entry = await this.get(id, scope);
    await this.removeEntry(id, facetOf(entry), this.shardOf(id));
  }

  /** The entries of the tasks of a player session, over every shard, by its index (no scan). */
  async ofSession(sessionId: string): Promise<DeadLetterEntry[]> {
    const found: DeadLetterEntry[] = [];
    for (const shard of this.options.shards.all) {
      for (const id of await this.index.ofSession(shard, sessionId)) {
        const entry = await this.find(id);
        if (entry) found.push(entry);
      }
    }
    return found;
  }

  /**
   * Deletes every entry of the tasks of a player session, over every shard, and its index
   * (erasure of the session); answers the entries removed.
   */
  async removeSession(sessionId: string): Promise<DeadLetterEntry[]> {
    const removed: DeadLetterEntry[] = [];
    for (const shard of this.options.shards.all) {
      const ids = await this.index.ofSession(shard, sessionId);
      for (const id of ids) {
        const entry = await this.find(id);
        if (!entry) continue;
        await this.removeEntry(id, facetOf(entry), shard);
        removed.push(entry);
      }
      // What a half-done removal left in the session's index.
      await this.index.remove(shard, ids, { sessionId });
    }
    if (removed.length > 0) {
      this.options.logger?.info('dead-letter entries of a session removed', {
        count: removed.length,
      });
    }
    return removed;
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
    await this.index.add(shard, id, facetOf(data));
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
    const ids = await this.index.arrivedBefore(shard, before, limit);
    for (const id of ids) {
      const entry = await this.find(id);
      await this.removeEntry(id, entry ? facetOf(entry) : {}, shard);
    }
    if (ids.length > 0)
      this.options.logger?.info('dead-letter entries purged', { count: ids.length });
    return ids.length;
  }

  // The job goes first: an index entry left behind by a crash is dropped by the next list().
  private async removeEntry(id: string, facet: DeadLetterFacet, shard: QueueNames): Promise<void> {
    await this.deadLetterQueue(shard).remove(id);
    await this.index.remove(shard, [id], facet);
  }

  private deadLetterQueue(shard: QueueNames): Queue {
    return this.queue(shard.deadLetter, shard);
  }

  private queue(name: string, shard: QueueNames): Queue {
    return this.queues.get(name, shard);
  }
}

// The indexes an entry is in: those of its capability, owner and session.
function facetOf(entry: Pick<DeadLetterEntry, 'capability' | 'task'>): DeadLetterFacet {
  return {
    capability: entry.capability,
    owner: entry.task.owner,
    sessionId: entry.task.sessionId,
  };
}
