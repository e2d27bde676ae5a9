import { QueueKeys } from 'bullmq';
import { toError } from '../errors/to-error';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';
import type { AgentRegistry } from '../registry/agent-registry';
import type { Logger } from '../telemetry/logger';
import { knownQueuesKey } from './routing-snapshot';

/** Options of {@link PoolPruner}. */
export interface PoolPrunerOptions {
  /** The live-agent registry: a queue a registered agent consumes is never forgotten. */
  registry: AgentRegistry;
  /** Queue names of the deployment (its control shard holds the known queues). */
  names: QueueNames;
  /** The shards whose queues must all be empty. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** How long a queue stays unused (empty, no live agent) before it is forgotten. Default: 600,000 ms. */
  idleMs?: number;
  /** Time between passes while started. Default: 60,000 ms. */
  intervalMs?: number;
  /** Most queues one pass looks at; the rest wait for the next pass. Default: 500. */
  batchSize?: number;
  /** Told what a pass forgot, and when it fails. Default: none. */
  logger?: Logger;
}

/** {@link PoolPrunerOptions} with their defaults filled in. */
export interface ResolvedPoolPrunerOptions extends PoolPrunerOptions {
  shards: QueueShards;
  idleMs: number;
  intervalMs: number;
  batchSize: number;
}

/** Fills the defaults of {@link PoolPrunerOptions}; throws at once on a bad value. */
export function resolvePoolPrunerOptions(options: PoolPrunerOptions): ResolvedPoolPrunerOptions {
  const resolved = {
    ...options,
    shards: options.shards ?? new QueueShards(options.names.prefix),
    idleMs: options.idleMs ?? 600_000,
    intervalMs: options.intervalMs ?? 60_000,
    batchSize: options.batchSize ?? 500,
  };
  for (const name of ['idleMs', 'intervalMs', 'batchSize'] as const) {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`PoolPruner: ${name} must be a positive integer, got ${value}`);
    }
  }
  return resolved;
}

// Every list and sorted set of a BullMQ queue that holds jobs.
const LISTS = ['wait', 'paused', 'active'] as const;
const SETS = ['prioritized', 'delayed', 'waiting-children', 'completed', 'failed'] as const;

// Forgets the queues given after the cutoff only if no one has used them since it.
const FORGET_IF_IDLE = `
local forgotten = {}
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= tonumber(ARGV[1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    forgotten[#forgotten + 1] = ARGV[i]
  end
end
return forgotten
`;

/**
 * Forgets known queues (see `RoutingSnapshot`) that nobody uses: no job in any state on any
 * shard and no registered agent consuming them, for `idleMs`. A queue found with jobs is marked
 * used now; one that a task is routed to, or an agent starts consuming, meanwhile is kept. A
 * forgotten queue is listed again as soon as it is used. Also moves the known queues of the
 * former unscored set (`routing:queues`) into the scored one, to be judged like the others.
 * Runs between `start()` and `stop()` (the leading supervisor does that).
 */
export class PoolPruner {
  private readonly options: ResolvedPoolPrunerOptions;
  private readonly key: string;
  private readonly keys: QueueKeys[];
  private timer?: NodeJS.Timeout;
  private pruning?: Promise<string[]>;

  constructor(options: PoolPrunerOptions) {
    this.options = resolvePoolPrunerOptions(options);
    this.key = knownQueuesKey(options.names);
    this.keys = this.options.shards.all.map((shard) => new QueueKeys(shard.prefix));
  }

  /** Prunes now, then every `intervalMs`, until `stop()`. */
  start(): Promise<void> {
    if (this.timer) return Promise.resolve();
    const pass = () =>
      void this.prune().catch((err: unknown) =>
        this.options.logger?.warn('pool pruning failed', { error: toError(err).message }),
      );
    this.timer = setInterval(pass, this.options.intervalMs);
    pass();
    return Promise.resolve();
  }

  /** Stops pruning, after the pass under way. Safe to call twice. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pruning?.catch(() => undefined);
  }

  /** Runs one pass now (or joins the one under way) and answers the queues it forgot. */
  prune(): Promise<string[]> {
    this.pruning ??= this.pruneOnce().finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private get redis(): RedisClient {
    return this.options.registry.connection;
  }

  private async pruneOnce(): Promise<string[]> {
    await this.adoptLegacySet();
    const now = Date.now();
    const cutoff = now - this.options.idleMs;
    const stale = await this.redis.zrangebyscore(
      this.key,
      '-inf',
      cutoff,
      'LIMIT',
      0,
      this.options.batchSize,
    );
    if (stale.length === 0) return [];
    const agents = await this.options.registry.list();
    const live = new Set(agents.flatMap((agent) => agent.queues));
    const unconsumed = stale.filter((queue) => !live.has(queue));
    const jobs = await this.jobCounts(unconsumed);
    const used = unconsumed.filter((_, i) => (jobs[i] ?? 0) > 0);
    const empty = unconsumed.filter((_, i) => (jobs[i] ?? 0) === 0);
    const touch = [...live].filter((queue) => stale.includes(queue)).concat(used);
    if (touch.length > 0) await this.redis.zadd(this.key, ...touch.flatMap((q) => [now, q]));
    if (empty.length === 0) return [];
    const forgotten = (await this.redis.eval(FORGET_IF_IDLE, 1, this.key, cutoff, ...empty)) as
      string[] | null;
    if (forgotten && forgotten.length > 0) {
      this.options.logger?.info('forgot idle pool queues', { count: forgotten.length });
    }
    return forgotten ?? [];
  }

  // Jobs of each queue in any state, summed over the shards: one pipeline per shard.
  private async jobCounts(queues: readonly string[]): Promise<number[]> {
    const totals = queues.map(() => 0);
    if (queues.length === 0) return totals;
    const width = LISTS.length + SETS.length;
    await Promise.all(
      this.keys.map(async (keys) => {
        const pipeline = this.redis.pipeline();
        for (const queue of queues) {
          for (const list of LISTS) pipeline.llen(keys.toKey(queue, list));
          for (const set of SETS) pipeline.zcard(keys.toKey(queue, set));
        }
        const results = (await pipeline.exec()) ?? [];
        results.forEach(([err, value], i) => {
          if (err) throw err;
          const at = Math.floor(i / width);
          totals[at] = (totals[at] ?? 0) + Number(value ?? 0);
        });
      }),
    );
    return totals;
  }

  // Before queues were scored, they were kept in a set without end: judge them as used now.
  private async adoptLegacySet(): Promise<void> {
    const legacy = this.options.names.key('routing', 'queues');
    const queues = await this.redis.smembers(legacy);
    if (queues.length === 0) return;
    const now = Date.now();
    await this.redis
      .multi()
      .zadd(this.key, 'NX', ...queues.flatMap((q) => [now, q]))
      .del(legacy)
      .exec();
  }
}
