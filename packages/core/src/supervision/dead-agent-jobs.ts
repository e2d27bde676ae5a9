import { QueueKeys } from 'bullmq';
import type { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link DeadAgentJobs}. */
export interface DeadAgentJobsOptions {
  /** A connection to the shards' Redis. */
  redis: RedisClient;
  /** The shards whose queues agents consume. */
  shards: QueueShards;
}

/** An agent found dead, and the queues it consumed. */
export interface DeadAgent {
  id: string;
  queues: readonly string[];
}

// KEYS[1]: a queue's active list. ARGV[1]: the prefix of its job keys; ARGV[2]: the agent id.
// A job's hash names the worker that took it in BullMQ's `pb` (processedBy) field, which the
// runtime sets to the agent id; a job another agent took since keeps its lock.
const RELEASE = `
local released = 0
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local jobKey = ARGV[1] .. id
  if redis.call('HGET', jobKey, 'pb') == ARGV[2] then
    released = released + redis.call('DEL', jobKey .. ':lock')
  end
end
return released`;

/**
 * Gets the tasks of a dead agent running again fast while job locks stay long. Locks are long
 * so that a Redis stall (a failover, a slow fsync) does not expire them and run every task
 * again; a dead agent's tasks would then wait for the lock to expire. Once the registry has
 * found the agent dead, this removes the lock of each job it was running, in one atomic step
 * per queue, and the stalled check of the live workers (every `worker.stalledIntervalMs`)
 * puts the job back to wait and counts the stall, as for an expired lock.
 */
export class DeadAgentJobs {
  private readonly keys: QueueKeys[];

  constructor(private readonly options: DeadAgentJobsOptions) {
    this.keys = options.shards.all.map((names) => new QueueKeys(names.prefix));
  }

  /** Removes the locks of the jobs `agent` was running on every shard; resolves how many. */
  async release(agent: DeadAgent): Promise<number> {
    let released = 0;
    for (const keys of this.keys) {
      for (const queue of agent.queues) {
        const jobPrefix = `${keys.getQueueQualifiedName(queue)}:`;
        const n = await this.options.redis.eval(
          RELEASE,
          1,
          keys.toKey(queue, 'active'),
          jobPrefix,
          agent.id,
        );
        released += Number(n);
      }
    }
    return released;
  }
}
