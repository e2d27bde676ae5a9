import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { SessionOwners } from '../sessions/session-owners';
import { worldActivityKey, worldHistoryKey, worldKey } from '../sessions/world-keys';

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
