import { NotFoundError } from '../errors/not-found-error';
import { SessionErasingError } from '../errors/session-erasing-error';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** How long a session stays its owner's after its last task or run: 30 days. */
export const SESSION_OWNER_TTL_MS = 30 * 86_400_000;

// Claims the session for ARGV[1] when no owner holds it, renews the claim of the same owner,
// and answers the owner that holds it; answers 0 while the session is being erased (KEYS[2]).
const CLAIM = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local owner = redis.call('GET', KEYS[1])
if not owner then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return owner
`;

/**
 * Which owner a player session belongs to: the owner of the first task or run that named it.
 * Another owner's task or run naming the same session id is refused as if the session did not
 * exist (404), so that owners never reach each other's world state, order or risk.
 */
export class SessionOwners {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlMs = SESSION_OWNER_TTL_MS,
  ) {}

  /** The key of a session's owner, in `shard` (the session's shard). */
  static key(shard: QueueNames, sessionId: string): string {
    return shard.key('session-owner', sessionId);
  }

  /**
   * The key of the marker a session carries while it is erased, in `shard` (the session's
   * shard): new tasks and runs of the session are refused while it exists.
   */
  static erasingKey(shard: QueueNames, sessionId: string): string {
    return shard.key('session-erasing', sessionId);
  }

  /**
   * Claims `sessionId` for `owner`, or renews its claim; throws {@link NotFoundError} when
   * another owner holds it, {@link SessionErasingError} while the session is being erased.
   */
  async claim(shard: QueueNames, sessionId: string, owner: string): Promise<void> {
    const key = SessionOwners.key(shard, sessionId);
    const erasing = SessionOwners.erasingKey(shard, sessionId);
    const holder = await this.redis.eval(CLAIM, 2, key, erasing, owner, String(this.ttlMs));
    if (holder === 0) throw new SessionErasingError(sessionId);
    if (holder !== owner) throw new NotFoundError('session', sessionId);
  }
}
