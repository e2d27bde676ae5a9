import { QueueKeys } from 'bullmq';
import type { AgentInfo, AgentRegistry } from '../registry/agent-registry';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';

/** Live capacity and backlog of a queue that live agents consume. */
export interface QueueLoad {
  /** Live, non-draining agents consuming the queue. */
  liveAgents: number;
  /** Sum of those agents' concurrency. */
  capacity: number;
  /** Jobs waiting to start: waiting plus prioritized. */
  backlog: number;
}

/** What routing decides on, as read at one moment. */
export interface RoutingState {
  /** Epoch ms when the read began. */
  takenAt: number;
  /** Load of every queue that some live, non-draining agent consumes. */
  loads: ReadonlyMap<string, QueueLoad>;
  /** Every queue that some registered agent consumes, draining ones included. */
  live: ReadonlySet<string>;
  /**
   * Every queue known to exist, at most `maxPools` of them: those of live agents, then those
   * recorded before (consumed by an agent, or routed to while no live agent consumed them), most
   * recently used first, until a {@link PoolPruner} forgets them.
   */
  known: ReadonlySet<string>;
}

/**
 * The key of the sorted set of known queues (capability queues with their pools), scored by
 * when each was last consumed by a live agent or routed to (epoch ms).
 */
export function knownQueuesKey(names: QueueNames): string {
  return names.key('routing', 'pools');
}

/** Options of {@link RoutingSnapshot}. */
export interface RoutingSnapshotOptions {
  /** Queue and key names of the deployment (its control shard holds the set of known queues). */
  names: QueueNames;
  /** The shards whose queues' backlogs are summed. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** Longest time a state is reused before it is read again; 0 reads on every call. Default: 250 ms. */
  ttlMs?: number;
  /** Most queues a state knows (see {@link RoutingState.known}). Default: 256. */
  maxPools?: number;
}

/** Options of {@link RoutingSnapshot.get}. */
export interface RoutingStateReadOptions {
  /** Reuse a state at most this old. Default: the snapshot's `ttlMs`. */
  maxAgeMs?: number;
}

/**
 * A small cache of what routing needs from Redis: live capacity per queue (one
 * `registry.list()`), the known queues (the live ones recorded, the most recent `maxPools` read
 * back, in one pipelined round trip) and the backlog of every queue with live capacity (one pipelined read per shard, summed
 * over the shards). It is read again
 * at most every `ttlMs`, and callers that ask while a read is under way share it, so enqueueing
 * stays cheap under load.
 */
export class RoutingSnapshot {
  private readonly ttlMs: number;
  private readonly maxPools: number;
  /** Key builders of every shard's queues. */
  private readonly keys: QueueKeys[];
  private readonly knownKey: string;
  private state?: RoutingState;
  private known = new Set<string>();
  private reading?: Promise<RoutingState>;

  constructor(
    private readonly registry: AgentRegistry,
    options: RoutingSnapshotOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 250;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 0) {
      throw new TypeError('RoutingSnapshot: ttlMs must be a non-negative integer');
    }
    this.maxPools = options.maxPools ?? 256;
    if (!Number.isInteger(this.maxPools) || this.maxPools < 1) {
      throw new TypeError('RoutingSnapshot: maxPools must be a positive integer');
    }
    const shards = options.shards ?? new QueueShards(options.names.prefix);
    this.keys = shards.all.map((shard) => new QueueKeys(shard.prefix));
    this.knownKey = knownQueuesKey(options.names);
  }

  /** The latest state read, without touching Redis; `undefined` before the first read. */
  get latest(): RoutingState | undefined {
    return this.state;
  }

  /** A state no older than `maxAgeMs`: the cached one, the read under way, or a new read. */
  get(options: RoutingStateReadOptions = {}): Promise<RoutingState> {
    const maxAgeMs = options.maxAgeMs ?? this.ttlMs;
    if (this.state && Date.now() - this.state.takenAt <= maxAgeMs) {
      return Promise.resolve(this.state);
    }
    this.reading ??= this.read()
      .then((state) => (this.state = state))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  /**
   * Records that `queue` exists although no live agent consumes it (a task was routed there),
   * and that it is in use now, so that it is not forgotten while the task waits.
   */
  async record(queue: string): Promise<void> {
    await this.redis.zadd(this.knownKey, Date.now(), queue);
    this.known.add(queue);
  }

  /**
   * Whether `queue` is known: in the latest state, or recorded in Redis (used by a task or an
   * agent, and not forgotten since), read now when the latest state does not know it.
   */
  async knows(queue: string): Promise<boolean> {
    const state = this.state;
    if (state?.known.has(queue) || state?.live.has(queue)) return true;
    return (await this.redis.zscore(this.knownKey, queue)) !== null;
  }

  /**
   * The backlog (waiting plus prioritized jobs) of each queue, summed over the shards: one
   * pipelined read per shard (a pipeline stays on one cluster slot).
   */
  async backlogs(queues: readonly string[]): Promise<Map<string, number>> {
    const backlogs = new Map(queues.map((queue) => [queue, 0]));
    if (queues.length === 0) return backlogs;
    const perShard = await Promise.all(
      this.keys.map(async (keys) => {
        const pipeline = this.redis.pipeline();
        for (const queue of queues) {
          pipeline.llen(keys.toKey(queue, 'wait'));
          pipeline.zcard(keys.toKey(queue, 'prioritized'));
        }
        return resultsOf(await pipeline.exec());
      }),
    );
    for (const values of perShard) {
      queues.forEach((queue, i) =>
        backlogs.set(queue, (backlogs.get(queue) ?? 0) + sumPair(values, 2 * i)),
      );
    }
    return backlogs;
  }

  private get redis(): RedisClient {
    return this.registry.connection;
  }

  private async read(): Promise<RoutingState> {
    const takenAt = Date.now();
    const agents = await this.registry.list();
    const loads = liveLoads(agents);
    const live = new Set(agents.flatMap((agent) => agent.queues));
    const pipeline = this.redis.pipeline();
    if (live.size > 0) pipeline.zadd(this.knownKey, ...[...live].flatMap((q) => [takenAt, q]));
    pipeline.zrevrange(this.knownKey, 0, this.maxPools - 1);
    const [values, backlogs] = await Promise.all([
      pipeline.exec().then(resultsOf),
      this.backlogs([...loads.keys()]),
    ]);
    for (const [queue, backlog] of backlogs) (loads.get(queue) as QueueLoad).backlog = backlog;
    this.known = new Set(live);
    for (const queue of values.at(-1) as string[]) {
      if (this.known.size >= this.maxPools) break;
      this.known.add(queue);
    }
    return { takenAt, loads, live, known: this.known };
  }
}

function liveLoads(agents: AgentInfo[]): Map<string, QueueLoad> {
  const loads = new Map<string, QueueLoad>();
  for (const agent of agents) {
    if (agent.status === 'draining') continue;
    for (const queue of new Set(agent.queues)) {
      const load = loads.get(queue) ?? { liveAgents: 0, capacity: 0, backlog: 0 };
      load.liveAgents += 1;
      load.capacity += agent.concurrency;
      loads.set(queue, load);
    }
  }
  return loads;
}

function resultsOf(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new Error('Redis pipeline aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

function sumPair(values: unknown[], at: number): number {
  return Number(values[at] ?? 0) + Number(values[at + 1] ?? 0);
}
