import { COST_BUCKET_MS, costBucketKey } from '../costs/cost-ledger';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { worldActivityKey, worldHistoryKey, worldKey } from '../sessions/world-keys';
import { expiredBuckets, streamTrimThreshold } from './retention-plan';

// Removes the worlds of the sessions given whose last activity is still before the cutoff (a
// session active since it was read keeps its world), with their histories, and their entries
// of the activity index. KEYS: the index, then each session's world and history. ARGV: the
// cutoff, then the session ids. Answers how many worlds it removed.
const REMOVE_IDLE_WORLDS = `
local removed = 0
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) < tonumber(ARGV[1]) then
    removed = removed + redis.call('DEL', KEYS[2 * i - 2])
    redis.call('DEL', KEYS[2 * i - 1])
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed`;

/**
 * Removes the world state and turn history of at most `limit` sessions of `shard` whose last
 * read or update of their world was before `cutoffMs`, oldest first; answers how many worlds
 * went. Atomic per call, so a session that plays again meanwhile keeps its world.
 */
export async function removeIdleWorlds(
  redis: RedisClient,
  shard: QueueNames,
  cutoffMs: number,
  limit: number,
): Promise<number> {
  const index = worldActivityKey(shard);
  const sessions = await redis.zrangebyscore(index, '-inf', `(${cutoffMs}`, 'LIMIT', 0, limit);
  if (sessions.length === 0) return 0;
  const keys = sessions.flatMap((id) => [worldKey(shard, id), worldHistoryKey(shard, id)]);
  const removed = await redis.eval(
    REMOVE_IDLE_WORLDS,
    keys.length + 1,
    index,
    ...keys,
    String(cutoffMs),
    ...sessions,
  );
  return Number(removed);
}

/**
 * Removes the cost ledger's hourly buckets of `ledger` that ended by `cutoffMs`: the newest
 * `lookback` hours of them (older ones went at earlier sweeps, or with their TTL). Answers how
 * many existed.
 */
export async function removeExpiredCostBuckets(
  redis: RedisClient,
  ledger: QueueNames,
  cutoffMs: number,
  lookback: number,
): Promise<number> {
  const hours = expiredBuckets(cutoffMs, COST_BUCKET_MS, lookback);
  if (hours.length === 0) return 0;
  return redis.unlink(...hours.map((hour) => costBucketKey(ledger, hour)));
}

/**
 * Removes at most `limit` entries older than `cutoffMs` from the stream `key`, oldest first
 * (`XTRIM MINID`); answers how many went.
 */
export async function trimStreamBefore(
  redis: RedisClient,
  key: string,
  cutoffMs: number,
  limit: number,
): Promise<number> {
  if (cutoffMs <= 0) return 0;
  const older = await redis.xrange(key, '-', String(cutoffMs - 1), 'COUNT', limit + 1);
  if (older.length === 0) return 0;
  const threshold = streamTrimThreshold(
    older.map(([id]) => id),
    cutoffMs,
    limit,
  );
  return redis.xtrim(key, 'MINID', threshold);
}
