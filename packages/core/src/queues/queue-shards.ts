import { QueueNames } from './queue-names';
import { TaskId } from './task-id';

/** Options of {@link QueueShards}. */
export interface QueueShardsOptions {
  /** Number of shards, from config `redis.shards`: 1 to 1024. Default: 1. */
  count?: number;
}

/** Most shards a deployment may have. */
export const MAX_SHARDS = 1024;

/**
 * The shards of a deployment: `count` sets of {@link QueueNames}, each under a hash tag of its
 * own, so that on Redis Cluster each shard's keys share one slot (and, with the slots placed
 * so, each shard has a master of its own). Shard 0 keeps the base prefix (`{tta}`); shard k is
 * `{tta-k}`. With one shard everything is as it is without sharding.
 *
 * Shard 0 is also the control shard: the agent registry, the leader lock, the tool policy, the
 * cost ledger, idempotency records, the autoscaler's state, rate limits and world state live
 * there. Every shard has its own capability queues, `workflow` and `dead-letter` queues,
 * session order lists and cancel tombstones. A task or run of a session goes to the session's
 * shard ({@link forSession}); one without a session goes to the next shard in turn
 * ({@link next}); its id carries its shard ({@link TaskId}), so it is found without a scan.
 */
export class QueueShards {
  /** Every shard, by index. */
  readonly all: readonly QueueNames[];
  private turn = 0;

  constructor(prefix = '{tta}', options: QueueShardsOptions = {}) {
    const count = options.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
      throw new RangeError(`shard count must be an integer from 1 to ${MAX_SHARDS}, got ${count}`);
    }
    const base = new QueueNames(prefix);
    this.all = [
      base,
      ...range(1, count).map((k) => new QueueNames(shardPrefix(prefix, k), { shard: k })),
    ];
  }

  /** Number of shards. */
  get count(): number {
    return this.all.length;
  }

  /** Shard 0, which also holds the deployment's control state. */
  get control(): QueueNames {
    return this.all[0] as QueueNames;
  }

  /** Shard `index`; throws a RangeError past the last one. */
  of(index: number): QueueNames {
    const names = this.all[index];
    if (!names) throw new RangeError(`no shard ${index}: the deployment has ${this.count}`);
    return names;
  }

  /** The shard of a session: `fnv1a(sessionId) mod count`, the same in every process. */
  forSession(sessionId: string): QueueNames {
    return this.of(fnv1a(sessionId) % this.count);
  }

  /** The shard of a session when there is one, else the next shard in turn. */
  pick(sessionId?: string): QueueNames {
    return sessionId === undefined ? this.next() : this.forSession(sessionId);
  }

  /** The next shard in turn (round robin, per process). */
  next(): QueueNames {
    const names = this.of(this.turn % this.count);
    this.turn = (this.turn + 1) % this.count;
    return names;
  }

  /** The shard a task or run id names, or `undefined` for a malformed id or an unknown shard. */
  forId(id: string): QueueNames | undefined {
    const parsed = TaskId.parse(id);
    return parsed ? this.all[parsed.shard] : undefined;
  }
}

/** The prefix of shard `index` of a deployment whose base prefix is `prefix`: `{tta}` → `{tta-2}`. */
export function shardPrefix(prefix: string, index: number): string {
  return index === 0 ? prefix : `${prefix.slice(0, -1)}-${index}}`;
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`: a stable, well-spread hash. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
