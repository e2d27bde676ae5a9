import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** One decision of the autoscaler, with the inputs it was made from. */
export interface ScalingDecisionRecord {
  /** Agent type. */
  type: string;
  /** When, ISO 8601. */
  at: string;
  /** `up`, `down` or `hold`. */
  direction: 'up' | 'down' | 'hold';
  /** Replicas before. */
  from: number;
  /** Replicas after. */
  to: number;
  /** Desired replicas (clamped to min and max). */
  desired: number;
  /** Unrounded desired replicas. */
  raw: number;
  /** Jobs added per second. */
  arrivalRatePerSecond: number;
  /** Jobs waiting to start. */
  backlog: number;
  /** Mean job run time, seconds. */
  meanRunSeconds: number;
}

/** Scaling of one agent type as published by the leading supervisor. */
export interface AgentTypeScaling {
  /** Agent type. */
  type: string;
  /** Fewest replicas. */
  min: number;
  /** Most replicas. */
  max: number;
  /** Replicas the autoscaler wants. */
  desired: number;
  /** Replicas running, as the executor reports them. */
  actual: number;
  /** Live agents of the type in the registry, when the autoscaler reads them. */
  live?: number;
  /** The newest decision that changed or held the count, if any. */
  lastDecision: ScalingDecisionRecord | null;
}

/** Everything `GET /v1/scaling` answers. */
export interface ScalingReport {
  /** One entry per autoscaled agent type. */
  agentTypes: AgentTypeScaling[];
  /** Newest decisions that changed a replica count, newest first. */
  decisions: ScalingDecisionRecord[];
}

/** Options of {@link ScalingStore}. */
export interface ScalingStoreOptions {
  /** Queue names of the deployment (the keys live under its prefix). */
  names: QueueNames;
  /** Decisions kept in the list. Default: 100. */
  keepDecisions?: number;
}

/**
 * The autoscaler's published state in Redis: the hash `<prefix>:scaling` (agent type → its
 * {@link AgentTypeScaling} as JSON) and the capped list `<prefix>:scaling:decisions`. The
 * supervisor writes it; the API reads it.
 */
export class ScalingStore {
  private readonly hashKey: string;
  private readonly listKey: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: ScalingStoreOptions,
  ) {
    this.hashKey = options.names.key('scaling');
    this.listKey = options.names.key('scaling', 'decisions');
  }

  /** Publishes the state of each agent type, and appends `decisions` to the list. */
  async write(types: AgentTypeScaling[], decisions: ScalingDecisionRecord[]): Promise<void> {
    const multi = this.redis.multi();
    if (types.length > 0) {
      multi.hset(this.hashKey, Object.fromEntries(types.map((t) => [t.type, JSON.stringify(t)])));
    }
    if (decisions.length > 0) {
      multi.lpush(this.listKey, ...decisions.map((d) => JSON.stringify(d)));
      multi.ltrim(this.listKey, 0, (this.options.keepDecisions ?? 100) - 1);
    }
    await multi.exec();
  }

  /** The published state, agent types by name. */
  async read(): Promise<ScalingReport> {
    const [byType, list] = await Promise.all([
      this.redis.hgetall(this.hashKey),
      this.redis.lrange(this.listKey, 0, -1),
    ]);
    const agentTypes = Object.keys(byType)
      .sort()
      .map((type) => JSON.parse(byType[type] ?? 'null') as AgentTypeScaling);
    const decisions = list.map((d) => JSON.parse(d) as ScalingDecisionRecord);
    return { agentTypes, decisions };
  }
}
