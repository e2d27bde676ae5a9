import type {
  AgentInfo,
  AgentRegistry,
  CapabilityCatalog,
  CapabilityEntry,
  TaskRouter,
  TaskService,
  RedisClient,
} from '@tta/core';
import { withRedis } from './with-redis';

/** Job states shown as a capability's queue depth. */
export const DEPTH_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
] as const;

/** Number of jobs in each state. */
export type QueueDepth = Record<(typeof DEPTH_STATES)[number], number>;

/** One queue of a capability: the generic one or a pool of agents with some labels. */
export interface CapabilityQueueOverview {
  /** The queue name: `cap.<capability>` or `cap.<capability>.<pool>`. */
  queue: string;
  /** Labels of the pool; `{}` for the generic queue. */
  labels: Record<string, string>;
  /** Live agents consuming the queue (draining ones excluded). */
  liveAgents: number;
  /** Sum of the concurrency of those agents. */
  capacity: number;
  /** Jobs by state in this queue. */
  depth: QueueDepth;
}

/** One capability of the catalog with who serves it and how much work waits for it. */
export interface CapabilityOverview {
  name: string;
  agentType: string;
  description: string;
  /** The capability's generic queue. */
  queue: string;
  /** Live agents serving the capability (draining ones excluded). */
  liveAgents: number;
  /** Sum of the concurrency of those agents: jobs they can run at once. */
  capacity: number;
  /** Jobs by state, summed over every queue of the capability. */
  depth: QueueDepth;
  /** Every known queue of the capability: the generic one first, then the pools (live, or holding tasks routed to them). */
  queues: CapabilityQueueOverview[];
}

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

async function overviewOf(
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
