import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { anonymisedSafetyEvent, auditEntryNamesSession } from './erasure-plan';

/** Buckets folded, events and audit entries read, per round trip. */
const PAGE = 200;

// Folds the fields `<counter>|<session>|<agentType>|<model>` of session ARGV[1] of each bucket
// into the anonymous field `<counter>||<agentType>|<model>` (the calls without a session), so
// that totals by agent type and model stay right. Answers how many fields it folded.
const FOLD_COST_FIELDS = `
local needle = '|' .. ARGV[1] .. '|'
local folded = 0
for _, key in ipairs(KEYS) do
  for _, field in ipairs(redis.call('HKEYS', key)) do
    local bar = string.find(field, '|', 1, true)
    if bar and string.sub(field, bar, bar + #needle - 1) == needle then
      local value = redis.call('HGET', key, field)
      local anonymous = string.sub(field, 1, bar) .. string.sub(field, bar + #needle - 1)
      redis.call('HINCRBY', key, anonymous, value)
      redis.call('HDEL', key, field)
      folded = folded + 1
    end
  end
end
return folded`;

/**
 * Folds the per-session fields of the cost buckets `bucketKeys` (all of one shard) into their
 * anonymous fields, atomically per page of buckets; answers how many fields were folded.
 */
export async function foldSessionCosts(
  redis: RedisClient,
  bucketKeys: readonly string[],
  sessionId: string,
): Promise<number> {
  let folded = 0;
  for (let i = 0; i < bucketKeys.length; i += PAGE) {
    const keys = bucketKeys.slice(i, i + PAGE);
    folded += Number(await redis.eval(FOLD_COST_FIELDS, keys.length, ...keys, sessionId));
  }
  return folded;
}

/**
 * Takes the session id, run id and words' hash out of the session's safety events of
 * `control` (the events stay, so that their counts do); answers how many were anonymised.
 */
export async function anonymiseSafetyEvents(
  redis: RedisClient,
  control: QueueNames,
  sessionId: string,
): Promise<number> {
  const all = control.key('safety', 'queue', 'all');
  let anonymised = 0;
  for (let offset = 0; ; offset += PAGE) {
    const members = await redis.zrange(all, offset, offset + PAGE - 1);
    const keys = members.map((m) =>
      control.key('safety', 'event', m.slice(m.lastIndexOf(':') + 1)),
    );
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.hget(key, 'event');
    const replies = keys.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const writes = redis.pipeline();
    let pending = 0;
    keys.forEach((key, i) => {
      const [err, json] = replies[i] ?? [];
      if (err) throw err;
      const anonymous = typeof json === 'string' && anonymisedSafetyEvent(json, sessionId);
      if (!anonymous) return;
      writes.hset(key, 'event', anonymous);
      pending += 1;
    });
    if (pending > 0) {
      for (const [err] of (await writes.exec()) ?? []) if (err) throw err;
      anonymised += pending;
    }
    if (members.length < PAGE) return anonymised;
  }
}

/**
 * Deletes the entries of the safety audit stream of `control` that name the session (the
 * `event` entries of its events); the review actions, which name only an event id, stay.
 * Answers how many went.
 */
export async function removeAuditEntries(
  redis: RedisClient,
  control: QueueNames,
  sessionId: string,
): Promise<number> {
  const key = control.key('safety', 'events');
  let removed = 0;
  let start = '-';
  for (;;) {
    const rows = await redis.xrange(key, start, '+', 'COUNT', PAGE);
    const doomed = rows
      .filter(([, fields]) => auditEntryNamesSession(fields, sessionId))
      .map(([id]) => id);
    if (doomed.length > 0) removed += await redis.xdel(key, ...doomed);
    if (rows.length < PAGE) return removed;
    start = `(${rows[rows.length - 1]?.[0] ?? ''}`;
  }
}
