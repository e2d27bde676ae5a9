import type { Registry } from 'prom-client';
import { registerAgentGauges } from '../registry/agent-gauges';
import type { AgentRegistry } from '../registry/agent-registry';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import type { Logger } from '../telemetry/logger';
import { QueueDepths } from '../queues/queue-depths';
import type { QueueNames } from '../queues/queue-names';
import type { QueueShards } from '../queues/queue-shards';
import type { TaskRouter } from '../routing/task-router';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link registerSystemGauges}. */
export interface SystemGaugesOptions {
  /** The connection the gauges are read on at each scrape; not closed. */
  connection: RedisClient;
  /** Queue names of the deployment (its control shard). */
  names: QueueNames;
  /** The shards whose queues are counted. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** The live-agent registry. */
  registry: AgentRegistry;
  /** Knows every capability queue, pools included. */
  router: TaskRouter;
  /** The catalog: its agent types are always shown in the agent gauges. */
  catalog: CapabilityCatalog;
  /** Longest each read may take before the scrape goes on without it. Default: 2000 ms. */
  timeoutMs?: number;
  /** Told when a scrape cannot read Redis. Default: none. */
  logger?: Logger;
}

/**
 * Registers the gauges of the whole system, read from Redis on each scrape (so every process
 * exporting them shows the same values: aggregate them with `max`): `tta_queue_jobs` of every
 * queue ({@link QueueDepths}) and the agent gauges ({@link registerAgentGauges}). Returns the
 * {@link QueueDepths}, which the caller closes on shutdown.
 */
export function registerSystemGauges(metrics: Registry, options: SystemGaugesOptions): QueueDepths {
  const common = {
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.logger && { logger: options.logger }),
  };
  const depths = new QueueDepths({
    connection: options.connection,
    names: options.names,
    ...(options.shards && { shards: options.shards }),
    queues: () => options.router.refreshQueues(),
    ...common,
  });
  depths.exportTo(metrics);
  registerAgentGauges(metrics, {
    agents: options.registry,
    agentTypes: [...new Set(options.catalog.list().map((entry) => entry.agentType))],
    ...common,
  });
  return depths;
}
