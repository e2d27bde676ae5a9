import type {
  AgentInfo,
  AgentRegistry,
  CapabilityCatalog,
  CapabilityEntry,
  TaskRouter,
  TaskService,
  RedisClient,
} from '@tta/core';
import { DEPTH_STATES, type CapabilityOverview, type QueueDepth } from '@tta/contracts';
import { withRedis } from '../http/with-redis';

/** Options of {@link capabilityOverviews}. */
export interface CapabilityOverviewOptions {
  catalog: CapabilityCatalog;
  router: TaskRouter;
  registry: AgentRegistry;
  tasks: TaskService;
  /** The producer connection the registry reads through. */
  redis: RedisClient;
}

/** The catalog with live agents, capacity and queue depth per capability, sorted by name. */
export async function capabilityOverviews(
  options: CapabilityOverviewOptions,
): Promise<CapabilityOverview[]> {
  const agents = await withRedis(options.redis, () => options.registry.list());
  const live = agents.filter((agent) => agent.status !== 'draining');
  return Promise.all(options.catalog.list().map((entry) => overviewOf(entry, live, options)));
}

/**
 * One capability of the catalog with its queues, capacity and depth; `live` are the live
 * agents (draining ones left out of the capacity).
 */
export async function overviewOf(
  entry: CapabilityEntry,
  live: AgentInfo[],
  options: CapabilityOverviewOptions,
): Promise<CapabilityOverview> {
  const queues = await options.router.queueCapacities(entry.name);
  const serving = live.filter((agent) => agent.capabilities.includes(entry.name));
  const counts = await Promise.all(queues.map(({ queue }) => options.tasks.counts(queue)));
  return {
    name: entry.name,
    agentType: entry.agentType,
    description: entry.description,
    queue: queues[0]?.queue ?? '',
    liveAgents: serving.length,
    capacity: serving.reduce((sum, agent) => sum + agent.concurrency, 0),
    depth: depthOf(counts),
    queues: queues.map(({ queue, labels, liveAgents, capacity }, i) => ({
      queue,
      labels,
      liveAgents,
      capacity,
      depth: depthOf(counts.slice(i, i + 1)),
    })),
  };
}

function depthOf(counts: Array<Record<string, number>>): QueueDepth {
  return Object.fromEntries(
    DEPTH_STATES.map((state) => [state, counts.reduce((sum, c) => sum + (c[state] ?? 0), 0)]),
  ) as QueueDepth;
}
