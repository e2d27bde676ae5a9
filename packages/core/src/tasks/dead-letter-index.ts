import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** What an entry of the dead-letter queue is indexed by; each given one adds an index. */
export interface DeadLetterFacet {
  /** The capability of its task. */
  capability?: string | undefined;
  /** The owner of its task (see `OwnerScope`). */
  owner?: string | undefined;
  /** The player session of its task: what erasing the session finds it by. */
  sessionId?: string | undefined;
}

/** An entry id with the time (epoch ms) it arrived. */
export interface IndexedEntry {
  id: string;
  score: number;
}

/**
 * The sorted sets that index the dead-letter queue of each shard by arrival time: one of every
 * entry, and one per capability, per owner, per owner and capability (a page of any of them
 * is one read) and per player session (what erasure removes). An entry is in the index of
 * everything and in each of those its facet names.
 */
export class DeadLetterIndex {
  constructor(private readonly redis: RedisClient) {}

  /** The index a page of `facet` (capability, owner or both; not a session) is read from. */
  key(shard: QueueNames, { capability, owner }: Omit<DeadLetterFacet, 'sessionId'>): string {
    const byOwner = owner === undefined ? [] : ['owner', owner];
    const byCapability = capability === undefined ? [] : ['capability', capability];
    return shard.key('dead-letter-index', ...byOwner, ...byCapability);
  }

  /** The index of a session's entries. */
  sessionKey(shard: QueueNames, sessionId: string): string {
    return shard.key('dead-letter-index', 'session', sessionId);
  }

  /** Indexes `id` arriving now, in every index of its facet; a second call is a no-op (`NX`). */
  async add(shard: QueueNames, id: string, facet: DeadLetterFacet): Promise<void> {
    const now = Date.now();
    const multi = this.redis.multi();
    for (const key of this.keys(shard, facet)) multi.zadd(key, 'NX', now, id);
    throwFirstError(await multi.exec());
  }

  /** Takes `ids` out of every index of `facet`. */
  async remove(shard: QueueNames, ids: readonly string[], facet: DeadLetterFacet): Promise<void> {
    if (ids.length === 0) return;
    const multi = this.redis.multi();
    for (const key of this.keys(shard, facet)) multi.zrem(key, ...ids);
    throwFirstError(await multi.exec());
  }

  /** The newest `end + 1` entries of the index of `facet`, newest first, and its size. */
  async newest(
    shard: QueueNames,
    end: number,
    facet: Omit<DeadLetterFacet, 'sessionId'>,
  ): Promise<{ newest: IndexedEntry[]; total: number }> {
    const key = this.key(shard, facet);
    const [flat, total] = await Promise.all([
      this.redis.zrevrange(key, 0, end, 'WITHSCORES'),
      this.redis.zcard(key),
    ]);
    const newest: IndexedEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      newest.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    }
    return { newest, total };
  }

  /** Ids of up to `limit` entries that arrived before `before` (epoch ms), oldest first. */
  arrivedBefore(shard: QueueNames, before: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key(shard, {}), '-inf', `(${before}`, 'LIMIT', 0, limit);
  }

  /** Ids of the entries of a session's tasks. */
  ofSession(shard: QueueNames, sessionId: string): Promise<string[]> {
    return this.redis.zrange(this.sessionKey(shard, sessionId), 0, -1);
  }

  private keys(shard: QueueNames, { capability, owner, sessionId }: DeadLetterFacet): string[] {
    const keys = [this.key(shard, {})];
    if (capability !== undefined) keys.push(this.key(shard, { capability }));
    if (owner !== undefined) keys.push(this.key(shard, { owner }));
    if (capability !== undefined && owner !== undefined) {
      keys.push(this.key(shard, { capability, owner }));
    }
    if (sessionId !== undefined) keys.push(this.sessionKey(shard, sessionId));
    return keys;
  }
}

function throwFirstError(replies: Array<[Error | null, unknown]> | null): void {
  const failed = replies?.find(([err]) => err !== null);
  if (failed?.[0]) throw failed[0];
}
