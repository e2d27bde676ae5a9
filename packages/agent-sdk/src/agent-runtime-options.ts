import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  labelSetProblem,
  type AgentRegistry,
  type LlmPolicyLookup,
  type Logger,
  type PayloadCodec,
  type PolicyProvider,
  type QueueNames,
  QueueShards,
  type RedisClient,
} from '@tta/core';
import type { Registry } from 'prom-client';
import type { ConcurrencyTuningOptions } from './concurrency-tuner';
import type { ResolvedAgentDefinition } from './define-agent';
import type { LlmGateway } from './llm/llm-gateway';

/** Options of {@link AgentRuntime}. */
export interface AgentRuntimeOptions {
  /** A worker-role connection (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking reads. Not closed by the runtime. */
  connection: RedisClient;
  /** Queue and key names (of the control shard, on a deployment of several). */
  names: QueueNames;
  /**
   * The shards whose queues the agent consumes: one BullMQ worker per queue per shard. Default:
   * the one shard of `names`.
   */
  shards?: QueueShards;
  /** The registry the agent registers and heartbeats into. */
  registry: AgentRegistry;
  /** Logger; task lines get `taskId`, `agentId`, `sessionId`. */
  logger: Logger;
  /** Id of this agent. Default: `<type>-<host>-<pid>-<random>`. */
  agentId?: string;
  /** Overrides the definition's per-queue concurrency. */
  concurrency?: number;
  /** Overrides the definition's labels (at most 3); the agent consumes the pool queues of each non-empty subset. */
  labels?: Record<string, string>;
  /** Time between heartbeats. Default: 500 ms. */
  heartbeatIntervalMs?: number;
  /**
   * BullMQ job lock. A Redis stall shorter than this minus `lockRenewMs` does not run tasks
   * again; a dead agent's jobs are taken back this long after it died, or as soon as the
   * supervisor finds it dead (`DeadAgentJobs`). Default: 10,000 ms.
   */
  lockDurationMs?: number;
  /** How often the locks of running jobs are renewed (BullMQ's `lockRenewTime`). Default: 1000 ms. */
  lockRenewMs?: number;
  /** How often this agent's workers look for stalled jobs (jobs whose lock expired). Default: 250 ms. */
  stalledIntervalMs?: number;
  /** Times a job may stall before it fails. Default: 2. */
  maxStalledCount?: number;
  /** On stop, how long in-flight jobs may still run before they are aborted. Default: 10,000 ms. */
  shutdownGraceMs?: number;
  /** Where task metrics go; none when absent. */
  metrics?: Registry;
  /**
   * Where the handlers' LLM calls (`ctx.llm`) go: provider, circuit breaker, model prices,
   * budgets and cost ledger (see `createLlmGateway`). Default: an offline gateway
   * (`ctx.llm.enabled` is false).
   */
  llm?: LlmGateway;
  /**
   * The LLM policy of the agent type (allowed tiers, fallback tier, task budget), asked once
   * per task. Default: none (every tier, no policy budget).
   */
  llmPolicy?: LlmPolicyLookup;
  /**
   * The payload codec: handlers get decrypted input, and the configured fields of their output
   * are stored encrypted. Default: none (plain).
   */
  codec?: PayloadCodec;
  /**
   * The tool policy (a `PolicyManager`): which tools `ctx.tools` may call and how, and the rate
   * limit of each capability's queues (BullMQ's `limiter`; a changed limit replaces the
   * workers of the queues it applies to). Default: none, and then every registered tool runs
   * with the default limits and no permission check, and no queue is rate-limited: for tests
   * and embedding. The worker process always passes one.
   */
  policies?: PolicyProvider;
  /**
   * Run-time tuning of the concurrency within bounds, from event-loop delay, run time and
   * utilization (see `ConcurrencyTuner`). Default: none (the concurrency stays as set).
   */
  tuning?: ConcurrencyTuningOptions;
}

/** {@link AgentRuntimeOptions} with defaults filled in. */
export type ResolvedAgentRuntimeOptions = Required<
  Omit<AgentRuntimeOptions, 'metrics' | 'llm' | 'llmPolicy' | 'policies' | 'tuning' | 'codec'>
> &
  Pick<AgentRuntimeOptions, 'metrics' | 'llm' | 'llmPolicy' | 'policies' | 'tuning' | 'codec'>;

/** Fills defaults and checks combinations; throws at once on a bad value. */
export function resolveAgentRuntimeOptions(
  definition: ResolvedAgentDefinition,
  options: AgentRuntimeOptions,
): ResolvedAgentRuntimeOptions {
  const resolved: ResolvedAgentRuntimeOptions = {
    ...options,
    agentId:
      options.agentId ??
      `${definition.type}-${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`,
    concurrency: options.concurrency ?? definition.concurrency,
    labels: { ...(options.labels ?? definition.labels) },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 500,
    lockDurationMs: options.lockDurationMs ?? 10_000,
    lockRenewMs: options.lockRenewMs ?? 1000,
    stalledIntervalMs: options.stalledIntervalMs ?? 250,
    maxStalledCount: options.maxStalledCount ?? 2,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    shards: options.shards ?? new QueueShards(options.names.prefix),
  };
  for (const key of [
    'concurrency',
    'heartbeatIntervalMs',
    'lockDurationMs',
    'lockRenewMs',
    'stalledIntervalMs',
  ] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) {
      throw new TypeError(`AgentRuntime: ${key} must be a positive integer`);
    }
  }
  const labelProblem = labelSetProblem(resolved.labels);
  if (labelProblem !== undefined) throw new TypeError(`AgentRuntime: labels: ${labelProblem}`);
  if (resolved.heartbeatIntervalMs >= resolved.registry.livenessTtlMs) {
    throw new TypeError('AgentRuntime: heartbeatIntervalMs must be shorter than the registry TTL');
  }
  if (resolved.stalledIntervalMs > resolved.lockDurationMs) {
    throw new TypeError('AgentRuntime: stalledIntervalMs must not exceed lockDurationMs');
  }
  if (resolved.lockRenewMs >= resolved.lockDurationMs) {
    throw new TypeError('AgentRuntime: lockRenewMs must be shorter than lockDurationMs');
  }
  return resolved;
}
