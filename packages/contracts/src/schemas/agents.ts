import { z } from 'zod';
import { epochMsSchema, labelsSchema } from './common';

/** Statuses of a live agent. */
export const AGENT_STATUSES = ['starting', 'ready', 'draining'] as const;

/** The query of `GET /v1/agents`: filters by capability, type and status. */
export const agentQuerySchema = z
  .object({
    capability: z.string().min(1).max(128).optional(),
    type: z.string().min(1).max(128).optional(),
    status: z.enum(AGENT_STATUSES).optional(),
  })
  .strict();

/** Filters of `GET /v1/agents`. */
export type AgentFilter = z.input<typeof agentQuerySchema>;

/** A live agent. */
export const agentSchema = z.object({
  id: z.string(),
  type: z.string(),
  capabilities: z.array(z.string()),
  labels: labelsSchema,
  queues: z.array(z.string()),
  concurrency: z.number().int(),
  host: z.string(),
  pid: z.number().int(),
  version: z.string(),
  startedAt: epochMsSchema,
  status: z.enum(AGENT_STATUSES),
  activeJobs: z.number().int(),
  lastHeartbeatAt: epochMsSchema,
  heartbeatAgeMs: z.number(),
});

/** A live agent as the API reports it. */
export type AgentView = z.output<typeof agentSchema>;

/** The answer of `GET /v1/agents`. */
export const agentListSchema = z.object({ agents: z.array(agentSchema) });

/** The body of `POST /v1/agents/:id/drain`: an optional `reason`; no body at all is `{}`. */
export const drainBodySchema = z
  .object({ reason: z.string().min(1).max(200).optional() })
  .strict()
  .default({});

/** `202` answer of `POST /v1/agents/:id/drain`. */
export const drainRequestedSchema = z.object({
  id: z.string(),
  status: z.literal('drain_requested'),
  reason: z.string(),
  requestedAt: epochMsSchema,
});

/** The answer to a drain request. */
export type DrainRequested = z.output<typeof drainRequestedSchema>;

/** Job states shown as a capability's queue depth. */
export const DEPTH_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
] as const;

/** Number of jobs in each state of a queue of a capability. */
export const queueDepthSchema = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  prioritized: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
}) satisfies z.ZodType<Record<(typeof DEPTH_STATES)[number], number>>;

/** Number of jobs in each state. */
export type QueueDepth = z.output<typeof queueDepthSchema>;

/** One queue of a capability: the generic one or a pool of agents with some labels. */
export const capabilityQueueSchema = z.object({
  queue: z.string().describe('`cap.<capability>` or `cap.<capability>.<pool>`'),
  labels: labelsSchema.describe('labels of the pool; `{}` for the generic queue'),
  liveAgents: z.number().int().describe('live agents consuming the queue, draining ones excluded'),
  capacity: z.number().int().describe('sum of the concurrency of those agents'),
  depth: queueDepthSchema,
});

/** One queue of a capability with who serves it and what waits in it. */
export type CapabilityQueueOverview = z.output<typeof capabilityQueueSchema>;

/** A capability of the catalog with its live agents, capacity and queue depth. */
export const capabilitySchema = z.object({
  name: z.string(),
  agentType: z.string(),
  description: z.string(),
  queue: z.string(),
  liveAgents: z.number().int(),
  capacity: z.number().int(),
  depth: queueDepthSchema,
  queues: z.array(capabilityQueueSchema),
});

/** One capability of the catalog with who serves it and how much work waits for it. */
export type CapabilityOverview = z.output<typeof capabilitySchema>;

/** One capability with its schemas, queues and the live agents serving it. */
export const capabilityDetailSchema = capabilitySchema.extend({
  inputSchema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('JSON Schema of its input (built-in capabilities); none: any JSON object'),
  outputSchema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('JSON Schema of its output (built-in capabilities)'),
  agents: z.array(agentSchema).describe('the live agents serving it, draining ones included'),
});

/** One capability with its schemas, queues and the live agents serving it. */
export type CapabilityDetail = z.output<typeof capabilityDetailSchema>;

/** The answer of `GET /v1/capabilities`. */
export const capabilityListSchema = z.object({ capabilities: z.array(capabilitySchema) });

/**
 * The query of `GET /v1/routing/preview`: the capability, and requirements as `key:value`
 * pairs joined by commas.
 */
export const previewQuerySchema = z
  .object({
    capability: z.string().min(1).max(128),
    requirements: z.string().max(1024).optional(),
  })
  .strict();

/** What the router would do with a task now, and why. */
export const routePreviewSchema = z.object({
  capability: z.string(),
  requirements: labelsSchema,
  chosen: z.object({ queue: z.string().nullable(), reason: z.string() }),
  candidates: z.array(
    z.object({
      queue: z.string(),
      labels: labelsSchema,
      liveAgents: z.number().int(),
      capacity: z.number().int(),
      backlog: z.number().int(),
      eligible: z.boolean(),
      expectedWait: z.number().optional(),
      reason: z.string(),
    }),
  ),
});

/** What the router would do with a task now, and why. */
export type RoutePreview = z.output<typeof routePreviewSchema>;
