import { toError } from '../errors/to-error';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import { TaskId } from '../queues/task-id';
import type { RedisClient } from '../redis/redis-connection';
import type { Logger } from '../telemetry/logger';

/** Options of {@link OwnerBacklog}. */
export interface OwnerBacklogOptions {
  /** Names of the control shard, which holds the backlogs. */
  names: QueueNames;
  /** The shards whose jobs the reconciliation looks at. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** Time a started task waits before its removal is sent (removals are sent together). Default: 100 ms. */
  releaseDelayMs?: number;
  /** Told when removals cannot be sent. Default: none. */
  logger?: Logger;
}

/** What one reconciliation did. */
export interface BacklogReconciliation {
  /** Counted tasks looked at. */
  checked: number;
  /** Counted tasks no longer waiting (started, ended, or never stored), removed. */
  removed: number;
}

/** How often an instance that adds tasks of an owner marks the owner in the index again. */
const INDEX_EVERY_MS = 10_000;

// Removes an owner from the index only while its backlog is empty and nobody marked it in the
// index since `ARGV[2]`, in one step: an owner whose tasks an API instance adds stays in it.
const DROP_IF_EMPTY = `
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
local marked = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or '0')
if marked >= tonumber(ARGV[2]) then return 0 end
return redis.call('ZREM', KEYS[2], ARGV[1])`;

/**
 * The tasks of each owner that no agent has started yet, in Redis: a sorted set per owner
 * (`<prefix>:admission:owner:<owner>`) of task ids, scored by when each was counted or last
 * found waiting, and an index of owners (`<prefix>:admission:owners`). The API adds a task's id
 * once its job is stored ({@link count}: one command per owner for the tasks of an event-loop
 * turn, sent right after it); the agent that starts the task removes it ({@link release}, sent
 * every `releaseDelayMs`, so well after the id was added); a cancel removes it. Whatever these
 * miss (an agent killed before its batch went out, an id added after its task started, a task
 * removed by retention) the leading supervisor's {@link reconcile} finds by looking at the jobs
 * themselves: the count cannot drift for longer than `reconcileAfterMs` plus one
 * reconciliation interval.
 */
export class OwnerBacklog {
  private readonly shards: QueueShards;
  /** Ids to remove, by owner, sent every `releaseDelayMs`. */
  private readonly releasing = new Map<string, Set<string>>();
  /** Ids to add, by owner, sent after the current event-loop turn. */
  private readonly counting = new Map<string, string[]>();
  /** When this instance last marked each owner in the index (epoch ms). */
  private readonly indexedAt = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly options: OwnerBacklogOptions,
  ) {
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
  }

  /** The key of an owner's backlog. */
  key(owner: string): string {
    return this.options.names.key('admission', 'owner', owner);
  }

  /** The key of the index of owners. */
  get indexKey(): string {
    return this.options.names.key('admission', 'owners');
  }

  /**
   * Counts `taskIds` as waiting tasks of `owner`; marks the owner in the index (at most every
   * 10 s per instance, which keeps it there: see {@link reconcile}).
   */
  async add(owner: string, taskIds: readonly string[], now = Date.now()): Promise<void> {
    if (taskIds.length === 0) return;
    const added = this.redis.zadd(this.key(owner), ...taskIds.flatMap((id) => [now, id]));
    if (now - (this.indexedAt.get(owner) ?? Number.NEGATIVE_INFINITY) < INDEX_EVERY_MS) {
      await added;
      return;
    }
    this.indexedAt.set(owner, now);
    await Promise.all([added, this.redis.zadd(this.indexKey, now, owner)]);
  }

  /** Tasks of `owner` counted as waiting, by owner. */
  async counts(owners: readonly string[]): Promise<Map<string, number>> {
    const counts = await Promise.all(owners.map((owner) => this.redis.zcard(this.key(owner))));
    return new Map(owners.map((owner, i) => [owner, counts[i] ?? 0]));
  }

  /**
   * Counts tasks of `owner` as waiting, whose jobs were just stored: with the others of this
   * event-loop turn, in one command per owner sent right after it.
   */
  count(owner: string, taskIds: readonly string[]): void {
    const ids = this.counting.get(owner);
    if (ids) ids.push(...taskIds);
    else this.counting.set(owner, [...taskIds]);
    this.immediate ??= setImmediate(() => void this.flushCounts());
  }

  /** Removes tasks of `owner` from its backlog now (a cancel). */
  async remove(owner: string, taskIds: readonly string[]): Promise<void> {
    if (taskIds.length > 0) await this.redis.zrem(this.key(owner), ...taskIds);
  }

  /**
   * Counts a task of `owner` out because an agent started it: the removal goes out with the
   * others of the next `releaseDelayMs` (one command per owner), never delaying the task.
   */
  release(owner: string, taskId: string): void {
    let ids = this.releasing.get(owner);
    if (!ids) this.releasing.set(owner, (ids = new Set()));
    ids.add(taskId);
    this.timer ??= setTimeout(() => void this.flushReleases(), this.options.releaseDelayMs ?? 100);
    this.timer.unref();
  }

  /** Sends the counts and removals waiting to go out, and waits for those under way. */
  async flush(): Promise<void> {
    await Promise.all([this.flushCounts(), this.flushReleases(), ...this.sending]);
  }

  /** Sends what waits to go out (see {@link flush}); safe to call twice. */
  close(): Promise<void> {
    return this.flush();
  }

  private flushCounts(): Promise<void> {
    clearImmediate(this.immediate);
    this.immediate = undefined;
    // Not counted: the owner is counted short until its tasks start (lenient, never stuck).
    return this.send(
      this.counting,
      (owner, ids) => this.add(owner, ids),
      'stored tasks not counted',
    );
  }

  private flushReleases(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Not counted out: the reconciliation removes them later.
    return this.send(
      this.releasing,
      (owner, ids) => this.remove(owner, ids),
      'started tasks not counted out',
    );
  }

  // Sends one command per owner of `pending` (emptied) and logs a failure instead of throwing.
  private send(
    pending: Map<string, Iterable<string>>,
    command: (owner: string, ids: string[]) => Promise<void>,
    failure: string,
  ): Promise<void> {
    const batch = [...pending];
    pending.clear();
    if (batch.length === 0) return Promise.resolve();
    const sent = Promise.all(batch.map(([owner, ids]) => command(owner, [...ids]))).then(
      () => undefined,
      (err: unknown) => {
        this.options.logger?.warn(`owner backlog: ${failure}`, { error: toError(err).message });
      },
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
    return sent;
  }

  /**
   * Looks at the counted tasks of every owner counted (or last found waiting) `olderThanMs`
   * ago or earlier, `batchSize` at a time: one whose job no longer exists or has started is
   * removed, one still waiting is scored now (looked at again `olderThanMs` later). An owner
   * left with none, and not marked in the index for `olderThanMs` (no API instance adds its
   * tasks), leaves the index.
   */
  async reconcile(olderThanMs: number, batchSize = 1000): Promise<BacklogReconciliation> {
    const total: BacklogReconciliation = { checked: 0, removed: 0 };
    const owners = await this.redis.zrange(this.indexKey, 0, -1);
    for (const owner of owners) {
      const key = this.key(owner);
      for (;;) {
        const now = Date.now();
        const ids = await this.redis.zrangebyscore(
          key,
          '-inf',
          now - olderThanMs,
          'LIMIT',
          0,
          batchSize,
        );
        if (ids.length === 0) break;
        const waiting = await this.stillWaiting(ids);
        const gone = ids.filter((id) => !waiting.has(id));
        if (gone.length > 0) await this.redis.zrem(key, ...gone);
        if (waiting.size > 0)
          await this.redis.zadd(key, 'XX', ...[...waiting].flatMap((id) => [now, id]));
        total.checked += ids.length;
        total.removed += gone.length;
        if (ids.length < batchSize) break;
      }
      const cutoff = Date.now() - Math.max(olderThanMs, 2 * INDEX_EVERY_MS);
      await this.redis.eval(DROP_IF_EMPTY, 2, key, this.indexKey, owner, cutoff);
    }
    return total;
  }

  // The ids whose job exists (BullMQ's `timestamp` field) and has not started (`processedOn`).
  private async stillWaiting(ids: readonly string[]): Promise<Set<string>> {
    const located = ids.flatMap((id) => {
      const parsed = TaskId.parse(id);
      const shard = this.shards.forId(id);
      return parsed && shard ? [{ id, key: `${shard.prefix}:${parsed.queue}:${id}` }] : [];
    });
    const fields = await Promise.all(
      located.map(({ key }) => this.redis.hmget(key, 'timestamp', 'processedOn')),
    );
    return new Set(
      located.filter((_, i) => fields[i]?.[0] != null && fields[i]?.[1] == null).map((l) => l.id),
    );
  }
}
