import { z } from 'zod';
import { agentSchema } from './agents';
import { epochMsSchema } from './common';

/** The job states counted in every queue, as BullMQ names them. */
export const QUEUE_JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;

/** A job state of {@link QUEUE_JOB_STATES}. */
export type QueueJobState = (typeof QUEUE_JOB_STATES)[number];

/** `{ status: 'ok' }` of the health routes. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** Query of `GET /readyz`. */
export const readinessQuerySchema = z.object({
  capacity: z
    .enum(['fail', 'ignore'], { error: "must be 'fail' or 'ignore'" })
    .optional()
    .describe(
      '`fail` (default): 503 `capacity` while Redis is above the memory high watermark; `ignore`: ready then too (a load balancer probe: the API must go on serving cancels, reads and crisis turns)',
    ),
});

/** The answer of the health routes. */
export type Health = z.output<typeof healthSchema>;

/** A registry event: an agent joined, left or was found dead. */
export const registryEventSchema = z.object({
  type: z.enum(['joined', 'left', 'dead']),
  agentId: z.string(),
  agentType: z.string(),
  at: epochMsSchema,
  reason: z.string().optional(),
});

/** A registry event as the API reports it. */
export type RegistryEventView = z.output<typeof registryEventSchema>;

/** Jobs in each BullMQ state of one queue. */
export type QueueJobCounts = Record<QueueJobState, number>;

/** `GET /v1/diagnostics`: the whole system at once. */
export const diagnosticsSchema = z.object({
  registry: z.object({
    agents: z.array(agentSchema),
    events: z.array(registryEventSchema),
  }),
  queues: z
    .record(z.string(), z.record(z.enum(QUEUE_JOB_STATES), z.number().int()))
    .describe('job counts by state, by queue name'),
  supervisor: z.object({ leader: z.string().nullable() }),
  config: z.unknown().describe("the API's configuration, its secrets redacted"),
});

/** The answer of `GET /v1/diagnostics`. */
export type Diagnostics = z.output<typeof diagnosticsSchema>;
