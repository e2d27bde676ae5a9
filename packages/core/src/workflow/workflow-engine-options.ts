import { PayloadCodec } from '../codec/payload-codec';
import type { Registry } from 'prom-client';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import type { AppConfig } from '../config/load-config';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { TaskRouter } from '../routing/task-router';
import type { WorkflowDefinition } from './workflow-types';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link WorkflowEngine}. */
export interface WorkflowEngineOptions {
  /** A worker-role connection (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking reads. Not closed by the engine. */
  connection: RedisClient;
  /** Queue and key names of the deployment's control shard (safety events). */
  names: QueueNames;
  /**
   * The shards whose `workflow` queues the engine drives, each run with its steps on its own
   * shard. Default: the one shard of `names`.
   */
  shards?: QueueShards;
  /** The workflows, from {@link loadWorkflows}. */
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  /** The capability catalog: each step's defaults and input schema. */
  catalog: CapabilityCatalog;
  /** Picks the queue of each step's task. */
  router: TaskRouter;
  /** Task defaults and retention, from config `tasks`. */
  tasks: AppConfig['tasks'];
  /**
   * Config `safety`: what a run that ends on a crisis answers, the session's risk, the screen's
   * deadline, safety events and their escalation, the AI disclosure and breaks.
   */
  safety: AppConfig['safety'];
  /** Logger; run lines get `workflowRunId` and `sessionId`. */
  logger: Logger;
  /** Where the workflow and safety metrics go. Default: none. */
  metrics?: Registry;
  /**
   * The payload codec: the engine decrypts a run's input and its steps' outputs to decide
   * conditions and build step input, and encrypts each step's input again. Default: plain.
   */
  codec?: PayloadCodec;
  /** Runs processed at once (each is busy only between stages). Default: 16. */
  concurrency?: number;
  /** BullMQ lock of a run being processed, renewed every half of it. Default: 1500 ms. */
  lockDurationMs?: number;
  /** How often the engine looks for runs whose engine died mid-step. Default: 250 ms. */
  stalledIntervalMs?: number;
  /** Times a run may stall before it fails. Default: 2. */
  maxStalledCount?: number;
  /** How long a run waiting for an earlier run or task of its session stays parked before it looks again. Default: 1000 ms. */
  sessionParkMs?: number;
  /** How often waiting runs are checked for cancel markers, should a cancel message be missed. Default: 1000 ms. */
  cancelSweepIntervalMs?: number;
}

/** {@link WorkflowEngineOptions} with defaults filled in. */
export type ResolvedWorkflowEngineOptions = Required<Omit<WorkflowEngineOptions, 'metrics'>> &
  Pick<WorkflowEngineOptions, 'metrics'>;

/** Fills the defaults of {@link WorkflowEngineOptions} and checks them; throws at once on a bad value. */
export function resolveWorkflowEngineOptions(
  options: WorkflowEngineOptions,
): ResolvedWorkflowEngineOptions {
  const resolved: ResolvedWorkflowEngineOptions = {
    ...options,
    concurrency: options.concurrency ?? 16,
    lockDurationMs: options.lockDurationMs ?? 1500,
    stalledIntervalMs: options.stalledIntervalMs ?? 250,
    maxStalledCount: options.maxStalledCount ?? 2,
    sessionParkMs: options.sessionParkMs ?? 1000,
    cancelSweepIntervalMs: options.cancelSweepIntervalMs ?? 1000,
    codec: options.codec ?? PayloadCodec.plain(),
    shards: options.shards ?? new QueueShards(options.names.prefix),
  };
  if (resolved.shards.control.prefix !== resolved.names.prefix) {
    throw new TypeError('WorkflowEngine: names must be the control shard of shards');
  }
  for (const key of [
    'concurrency',
    'lockDurationMs',
    'stalledIntervalMs',
    'sessionParkMs',
    'cancelSweepIntervalMs',
  ] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) {
      throw new TypeError(`WorkflowEngine: ${key} must be a positive integer`);
    }
  }
  if (!Number.isInteger(resolved.maxStalledCount) || resolved.maxStalledCount < 0) {
    throw new TypeError('WorkflowEngine: maxStalledCount must be a non-negative integer');
  }
  if (resolved.stalledIntervalMs > resolved.lockDurationMs) {
    throw new TypeError('WorkflowEngine: stalledIntervalMs must not exceed lockDurationMs');
  }
  return resolved;
}
