import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** The key of the supervisors' leader lock: it holds the id of the leading supervisor. */
export function supervisorLeaderKey(names: QueueNames): string {
  return names.key('supervisor', 'leader');
}

/** The id of the leading supervisor, or `null` while none leads. */
export function readSupervisorLeader(
  redis: RedisClient,
  names: QueueNames,
): Promise<string | null> {
  return redis.get(supervisorLeaderKey(names));
}
