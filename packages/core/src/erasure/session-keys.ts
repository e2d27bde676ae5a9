import { Cluster } from 'ioredis';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { SessionOwners } from '../sessions/session-owners';
import { worldActivityKey, worldHistoryKey, worldKey } from '../sessions/world-keys';

/** Keys asked for per `SCAN` call. */
const SCAN_COUNT = 1000;

/**
 * The keys of `shard` that hold one session's own state: world and history, order, owner,
 * safety state and cost total. (Its place in the world-activity index is a member, not a key.)
 */
export function sessionStateKeys(shard: QueueNames, sessionId: string): string[] {
  const safety = shard.key('safety', 'session', sessionId);
  return [
    worldKey(shard, sessionId),
    worldHistoryKey(shard, sessionId),
    shard.key('session', sessionId, 'order'),
    SessionOwners.key(shard, sessionId),
    safety,
    `${safety}:turns`,
    shard.key('costs', 'session', sessionId),
  ];
}

/** Deletes a session's own state keys on `shard`, and its world-activity entry; answers how many went. */
export async function removeSessionState(
  redis: RedisClient,
  shard: QueueNames,
  sessionId: string,
): Promise<number> {
  const replies = await redis
    .multi()
    .del(...sessionStateKeys(shard, sessionId))
    .zrem(worldActivityKey(shard), sessionId)
    .exec();
  let removed = 0;
  for (const [err, n] of replies ?? []) {
    if (err) throw err;
    removed += Number(n);
  }
  return removed;
}

/**
 * The cancel tombstones of `shard` that name the session, found by `SCAN`: a task cancelled
 * while it waited has no job left, only its tombstone (which keeps its input).
 */
export async function sessionTombstones(
  redis: RedisClient,
  shard: QueueNames,
  sessionId: string,
): Promise<string[]> {
  const keys = await scanKeys(redis, `${shard.key('cancelled')}:*`);
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.hget(key, 'sessionId');
  const replies = keys.length > 0 ? ((await pipeline.exec()) ?? []) : [];
  return keys.filter((_key, i) => replies[i]?.[1] === sessionId);
}

/** Deletes `keys` (of one shard), in one round trip; answers how many existed. */
export async function deleteKeys(redis: RedisClient, keys: readonly string[]): Promise<number> {
  return keys.length === 0 ? 0 : redis.del(...keys);
}

/**
 * Deletes the records `keys` that still stand for the task named beside each; answers how many
 * went (a record reused since by another task stays).
 */
export async function removeIdempotencyRecords(
  redis: RedisClient,
  records: ReadonlyArray<{ key: string; taskId: string }>,
): Promise<number> {
  if (records.length === 0) return 0;
  const pipeline = redis.pipeline();
  for (const { key } of records) pipeline.hget(key, 'taskId');
  const replies = (await pipeline.exec()) ?? [];
  const doomed = records.filter(({ taskId }, i) => replies[i]?.[1] === taskId).map((r) => r.key);
  return deleteKeys(redis, doomed);
}

// Every key matching `pattern`, over every primary of a cluster.
async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const keys = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...keys];
}
