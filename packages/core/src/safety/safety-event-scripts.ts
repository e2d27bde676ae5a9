/**
 * Records an event unless it exists (a run writes each event once): its hash, its place in the
 * open queue and in the list of all events (sorted by a member that orders by severity, then
 * age), its time for the retention sweep, and an `event` entry of the audit stream.
 * KEYS: hash, open, all, by-time, audit. ARGV: member, createdAt, retentionMs, minId, eventJson,
 * then the audit entry's fields.
 */
export const RECORD_EVENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'event', ARGV[5], 'status', 'open', 'member', ARGV[1], 'notifications', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[4], '*', unpack(ARGV, 6))
return 1`;

/**
 * Acknowledges or resolves an event: answers `missing`, the current status when the move is
 * not allowed, or `ok:<previous status>`. Appends the note and an audit entry.
 * KEYS: hash, open, acknowledged, resolved, audit, notes. ARGV: action, by, note, now, minId,
 * eventId.
 */
export const REVIEW_EVENT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if ARGV[1] == 'acknowledged' and status ~= 'open' then return status end
if ARGV[1] == 'resolved' and status == 'resolved' then return status end
local member = redis.call('HGET', KEYS[1], 'member')
if status == 'open' then redis.call('ZREM', KEYS[2], member) else redis.call('ZREM', KEYS[3], member) end
if ARGV[1] == 'acknowledged' then redis.call('ZADD', KEYS[3], 0, member) else redis.call('ZADD', KEYS[4], 0, member) end
redis.call('HSET', KEYS[1], 'status', ARGV[1], ARGV[1] .. 'At', ARGV[4], ARGV[1] .. 'By', ARGV[2])
if ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[6], cjson.encode({by = ARGV[2], action = ARGV[1], note = ARGV[3], at = tonumber(ARGV[4])}))
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[6], ttl) end
end
redis.call('XADD', KEYS[5], 'MINID', '~', ARGV[5], '*', 'action', ARGV[1], 'eventId', ARGV[6], 'by', ARGV[2], 'note', ARGV[3], 'at', ARGV[4])
return 'ok:' .. status`;

/**
 * Counts a notification of an event still open, and audits it: answers 0 when the event is
 * gone or no longer open. KEYS: hash, audit. ARGV: now, minId, eventId.
 */
export const NOTIFY_EVENT = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'open' then return 0 end
redis.call('HINCRBY', KEYS[1], 'notifications', 1)
redis.call('HSET', KEYS[1], 'notifiedAt', ARGV[1])
redis.call('XADD', KEYS[2], 'MINID', '~', ARGV[2], '*', 'action', 'notified', 'eventId', ARGV[3], 'at', ARGV[1])
return 1`;
