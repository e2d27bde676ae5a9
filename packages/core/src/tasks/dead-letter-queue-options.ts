import type { Registry } from 'prom-client';
import type { DeadLetterEntry } from './dead-letter-entry';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link DeadLetterQueue}. */
export interface DeadLetterQueueOptions {
  /** The connection every queue of this object uses; the caller owns and closes it. */
  connection: RedisClient;
  /** Queue and key names of the deployment (its control shard). */
  names: QueueNames;
  /**
   * The shards of the deployment: each has its own dead-letter queue, which takes the failed
   * tasks of its shard's queues; a task id names its shard. Default: the one shard of `names`.
   */
  shards?: QueueShards;
  /**
   * The capability queues whose failed jobs are dead-lettered, e.g. `TaskRouter.refreshQueues`.
   * Called on every {@link DeadLetterQueue.moveFailed}, so queues added later (pools) are
   * watched too.
   */
  queues: () => readonly string[] | Promise<readonly string[]>;
  /** Where moves, retries and purges are logged. Default: nowhere. */
  logger?: Logger;
  /** How long an entry stays in the dead-letter queue before `purgeExpired` removes it. Default: 30 days. */
  retentionMs?: number;
  /** Most failed jobs one `moveFailed` call looks at in each queue. Default: 500. */
  maxPerQueue?: number;
  /** Where the `tta_tasks_dead_lettered_total{capability}` counter goes. Default: none. */
  metrics?: Registry;
}

/** {@link DeadLetterQueueOptions} with their defaults filled in. */
export interface ResolvedDeadLetterQueueOptions extends DeadLetterQueueOptions {
  shards: QueueShards;
  retentionMs: number;
  maxPerQueue: number;
}

/** Fills the defaults of {@link DeadLetterQueueOptions} and checks them. */
export function resolveDeadLetterQueueOptions(
  options: DeadLetterQueueOptions,
): ResolvedDeadLetterQueueOptions {
  const resolved = {
    ...options,
    shards: options.shards ?? new QueueShards(options.names.prefix),
    retentionMs: options.retentionMs ?? 30 * 24 * 3600 * 1000,
    maxPerQueue: options.maxPerQueue ?? 500,
  };
  if (!(resolved.retentionMs > 0)) throw new Error('DeadLetterQueue: retentionMs must be > 0');
  if (!Number.isInteger(resolved.maxPerQueue) || resolved.maxPerQueue < 1) {
    throw new Error('DeadLetterQueue: maxPerQueue must be a positive integer');
  }
  return resolved;
}

/** Which part of the dead-letter queue {@link DeadLetterQueue.list} reads, newest first (over every shard). */
export interface DeadLetterListOptions {
  /** Index of the first entry. Default: 0. */
  start?: number;
  /** Index of the last entry, inclusive. Default: `start + 49`. */
  end?: number;
  /** Only the entries of this capability. */
  capability?: string;
  /** Only the entries of this owner's tasks (see `OwnerScope`); none: every owner's. */
  owner?: string;
}

/** One page of the dead-letter queue. */
export interface DeadLetterPage {
  entries: DeadLetterEntry[];
  /** Entries in the whole queue (of the capability, when filtered). */
  total: number;
}

/** What one {@link DeadLetterQueue.moveFailed} call did. */
export interface MoveFailedResult {
  /** Ids of the tasks moved to the dead-letter queue. */
  moved: string[];
  /** Failed jobs left where they are: cancelled tasks and stages of workflow runs. */
  skipped: number;
}

/** Which entries one {@link DeadLetterQueue.purgeExpired} call removes. */
export interface PurgeExpiredOptions {
  /** Entries that arrived before this time (epoch ms) go. Default: now minus `retentionMs`. */
  before?: number;
  /** Most entries removed per shard. Default: 500. */
  limit?: number;
}
