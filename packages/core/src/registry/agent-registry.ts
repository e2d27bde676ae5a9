import type { Counter, Registry } from 'prom-client';
import type { QueueNames } from '../queues/queue-names';
import { registryEventsCounter } from './registry-events-counter';
import type { RedisClient } from '../redis/redis-connection';

/** Where an agent is in its life, as the registry shows it. */
export type AgentStatus = 'starting' | 'ready' | 'draining';

/** What an agent registers about itself. */
export interface AgentRegistration {
  id: string;
  type: string;
  capabilities: string[];
  labels: Record<string, string>;
  queues: string[];
  concurrency: number;
  host: string;
  pid: number;
  version: string;
  /** Epoch ms. */
  startedAt: number;
}

/** A registered agent with its live state. */
export interface AgentInfo extends AgentRegistration {
  status: AgentStatus;
  activeJobs: number;
  /** Epoch ms of the last heartbeat. */
  lastHeartbeatAt: number;
  /** Milliseconds since the last heartbeat, when read. */
  heartbeatAgeMs: number;
}

/** A registry event, as written to the capped stream. */
export interface RegistryEvent {
  type: 'joined' | 'left' | 'dead';
  agentId: string;
  agentType: string;
  at: number;
  reason?: string;
}

/** An agent {@link AgentRegistry.sweep} found dead. */
export interface SweptAgent {
  id: string;
  type: string;
  /** The queues it consumed (none when its hash had expired). */
  queues: string[];
}

/** Filters of {@link AgentRegistry.list}. */
export interface AgentFilter {
  capability?: string;
  type?: string;
  status?: AgentStatus;
}

/** Options of {@link AgentRegistry}. */
export interface AgentRegistryOptions {
  /** Names of the registry keys. Default: `new QueueNames()` (`{tta}`). */
  names: QueueNames;
  /** An agent silent for longer than this is dead. Default: 2000 ms. */
  ttlMs?: number;
  /** Most events kept in the registry stream (approximate). Default: 10,000. */
  maxEvents?: number;
  /** Clock, for tests. Default: `Date.now`. */
  now?: () => number;
  /** Where the events this registry writes are counted (`tta_registry_events_total{type}`). Default: none. */
  metrics?: Registry;
}

const FIELDS = [
  'id',
  'type',
  'capabilities',
  'labels',
  'queues',
  'concurrency',
  'host',
  'pid',
  'version',
  'startedAt',
  'status',
  'activeJobs',
  'lastHeartbeatAt',
] as const;

/**
 * The live-agent registry in Redis: a sorted set of agent ids scored by last heartbeat, a hash
 * per agent that expires a few heartbeats after the agent goes silent, and a capped stream of
 * joined / left / dead events.
 */
export class AgentRegistry {
  private readonly ttlMs: number;
  private readonly maxEvents: number;
  private readonly now: () => number;
  private readonly indexKey: string;
  private readonly eventsKey: string;
  private readonly eventCount?: Counter<'type'>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: AgentRegistryOptions,
  ) {
    this.ttlMs = options.ttlMs ?? 2000;
    this.maxEvents = options.maxEvents ?? 10_000;
    this.now = options.now ?? Date.now;
    this.indexKey = options.names.key('registry', 'agents');
    this.eventsKey = options.names.key('registry', 'events');
    if (options.metrics) this.eventCount = registryEventsCounter(options.metrics);
  }

  /** Milliseconds after its last heartbeat at which an agent counts as dead. */
  get livenessTtlMs(): number {
    return this.ttlMs;
  }

  /** The connection the registry reads and writes through (the routing snapshot reads queue depths on it too). */
  get connection(): RedisClient {
    return this.redis;
  }

  /** Adds an agent (status `starting`) and writes a `joined` event. */
  async register(agent: AgentRegistration): Promise<void> {
    const now = this.now();
    const key = this.agentKey(agent.id);
    await this.redis
      .multi()
      .hset(key, {
        id: agent.id,
        type: agent.type,
        capabilities: JSON.stringify(agent.capabilities),
        labels: JSON.stringify(agent.labels),
        queues: JSON.stringify(agent.queues),
        concurrency: String(agent.concurrency),
        host: agent.host,
        pid: String(agent.pid),
        version: agent.version,
        startedAt: String(agent.startedAt),
        status: 'starting',
        activeJobs: '0',
        lastHeartbeatAt: String(now),
      })
      .pexpire(key, this.hashTtlMs())
      .zadd(this.indexKey, now, agent.id)
      .xadd(
        this.eventsKey,
        'MAXLEN',
        '~',
        this.maxEvents,
        '*',
        ...this.eventFields('joined', agent),
      )
      .exec()
      .then(throwOnMultiError);
    this.eventCount?.inc({ type: 'joined' });
  }

  /**
   * Records that the agent is alive, with its current status and number of active jobs, and
   * its concurrency when given (it changes when the agent tunes it at run time).
   * Returns `false` when the registry no longer knew the agent (it was swept as dead, e.g.
   * after a long pause): the agent must then register again.
   */
  async heartbeat(
    agentId: string,
    state: { status: AgentStatus; activeJobs: number; concurrency?: number },
  ): Promise<boolean> {
    const now = this.now();
    const key = this.agentKey(agentId);
    const results = await this.redis
      .multi()
      .hexists(key, 'type')
      .hset(key, {
        status: state.status,
        activeJobs: String(state.activeJobs),
        ...(state.concurrency === undefined ? {} : { concurrency: String(state.concurrency) }),
        lastHeartbeatAt: String(now),
      })
      .pexpire(key, this.hashTtlMs())
      .zadd(this.indexKey, now, agentId)
      .exec();
    throwOnMultiError(results);
    return results?.[0]?.[1] === 1;
  }

  /** Removes an agent that is leaving on purpose and writes a `left` event. */
  async deregister(
    agent: Pick<AgentRegistration, 'id' | 'type'>,
    reason = 'shutdown',
  ): Promise<void> {
    await this.redis
      .multi()
      .del(this.agentKey(agent.id))
      .zrem(this.indexKey, agent.id)
      .xadd(
        this.eventsKey,
        'MAXLEN',
        '~',
        this.maxEvents,
        '*',
        ...this.eventFields('left', agent, reason),
      )
      .exec()
      .then(throwOnMultiError);
    this.eventCount?.inc({ type: 'left' });
  }

  /** Live agents (heartbeat within the TTL), optionally filtered. */
  async list(filter: AgentFilter = {}): Promise<AgentInfo[]> {
    const ids = await this.redis.zrangebyscore(this.indexKey, this.now() - this.ttlMs, '+inf');
    const agents = await this.read(ids);
    return agents.filter(
      (a) =>
        (filter.type === undefined || a.type === filter.type) &&
        (filter.status === undefined || a.status === filter.status) &&
        (filter.capability === undefined || a.capabilities.includes(filter.capability)),
    );
  }

  /** One live agent, or `undefined`. */
  async get(agentId: string): Promise<AgentInfo | undefined> {
    const score = await this.redis.zscore(this.indexKey, agentId);
    if (score === null || Number(score) < this.now() - this.ttlMs) return undefined;
    const [agent] = await this.read([agentId]);
    return agent;
  }

  /**
   * Removes every agent whose heartbeat is older than the TTL and writes a `dead` event for
   * each. Safe to run from several processes: only the one whose ZREM succeeds reports it.
   */
  async sweep(): Promise<SweptAgent[]> {
    const ids = await this.redis.zrangebyscore(
      this.indexKey,
      '-inf',
      `(${this.now() - this.ttlMs}`,
    );
    const dead: SweptAgent[] = [];
    for (const id of ids) {
      const [storedType, storedQueues] = await this.redis.hmget(
        this.agentKey(id),
        'type',
        'queues',
      );
      const type = storedType ?? 'unknown';
      const queues = JSON.parse(storedQueues ?? '[]') as string[];
      const removed = await this.redis.zrem(this.indexKey, id);
      if (removed !== 1) continue;
      await this.redis
        .multi()
        .del(this.agentKey(id))
        .xadd(
          this.eventsKey,
          'MAXLEN',
          '~',
          this.maxEvents,
          '*',
          ...this.eventFields('dead', { id, type }, 'heartbeat expired'),
        )
        .exec()
        .then(throwOnMultiError);
      this.eventCount?.inc({ type: 'dead' });
      dead.push({ id, type, queues });
    }
    return dead;
  }

  /**
   * The newest registry events, newest last: at most `count`, and with `sinceMs` (epoch ms)
   * only those written at or after it.
   */
  async events(count = 100, sinceMs?: number): Promise<RegistryEvent[]> {
    const start = sinceMs === undefined ? '-' : String(Math.max(0, Math.floor(sinceMs)));
    const entries = await this.redis.xrevrange(this.eventsKey, '+', start, 'COUNT', count);
    return entries.reverse().map(([, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2)
        record[fields[i] as string] = fields[i + 1] as string;
      const event: RegistryEvent = {
        type: record.type as RegistryEvent['type'],
        agentId: record.agentId ?? '',
        agentType: record.agentType ?? '',
        at: Number(record.at),
      };
      if (record.reason) event.reason = record.reason;
      return event;
    });
  }

  private async read(ids: string[]): Promise<AgentInfo[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.agentKey(id), ...FIELDS);
    const results = (await pipeline.exec()) ?? [];
    const now = this.now();
    const agents: AgentInfo[] = [];
    for (const [err, values] of results) {
      if (err) throw err;
      const v = values as Array<string | null>;
      if (v[0] === null || v[0] === undefined) continue;
      const lastHeartbeatAt = Number(v[12]);
      agents.push({
        id: v[0],
        type: v[1] ?? '',
        capabilities: JSON.parse(v[2] ?? '[]') as string[],
        labels: JSON.parse(v[3] ?? '{}') as Record<string, string>,
        queues: JSON.parse(v[4] ?? '[]') as string[],
        concurrency: Number(v[5]),
        host: v[6] ?? '',
        pid: Number(v[7]),
        version: v[8] ?? '',
        startedAt: Number(v[9]),
        status: (v[10] ?? 'starting') as AgentStatus,
        activeJobs: Number(v[11]),
        lastHeartbeatAt,
        heartbeatAgeMs: Math.max(0, now - lastHeartbeatAt),
      });
    }
    return agents;
  }

  private agentKey(id: string): string {
    return this.options.names.key('registry', 'agent', id);
  }

  // The hash outlives the liveness TTL a little so the sweeper can still read its type.
  private hashTtlMs(): number {
    return this.ttlMs * 3;
  }

  private eventFields(
    type: RegistryEvent['type'],
    agent: Pick<AgentRegistration, 'id' | 'type'>,
    reason?: string,
  ): string[] {
    const fields = [
      'type',
      type,
      'agentId',
      agent.id,
      'agentType',
      agent.type,
      'at',
      String(this.now()),
    ];
    if (reason) fields.push('reason', reason);
    return fields;
  }
}

function throwOnMultiError(results: Array<[Error | null, unknown]> | null): void {
  if (!results) throw new Error('Redis transaction aborted');
  for (const [err] of results) if (err) throw err;
}
