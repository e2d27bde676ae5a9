import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'lowercase words joined by dots or dashes');

/** One capability in the catalog: which agent type serves it and its task defaults. */
export const capabilityConfigSchema = z
  .object({
    /** Agent type that serves the capability. */
    agentType: name,
    /** What the capability does, for operators and the catalog endpoint. */
    description: z.string().default(''),
    /** Default handler timeout of its tasks. */
    timeoutMs: z.number().int().positive().optional(),
    /** Default number of attempts of its tasks (1 = no retry). */
    attempts: z.number().int().min(1).max(100).optional(),
    /** Base delay of the exponential backoff between attempts. */
    backoffMs: z.number().int().min(0).optional(),
  })
  .strict();

/** Capability name to its settings. */
export const capabilityCatalogSchema = z.record(name, capabilityConfigSchema);

/** How one agent type runs. */
export const agentTypeConfigSchema = z
  .object({
    /** Whether the supervisor's local executor runs this agent type at all. */
    enabled: z.boolean().default(true),
    /** How many worker processes the local executor keeps running. */
    replicas: z.number().int().min(0).max(64).default(1),
    /** Jobs one worker process runs at once, across its queues. */
    concurrency: z.number().int().min(1).max(10_000).default(16),
  })
  .strict();

/** Agent type name to how it runs. */
export const agentTypesSchema = z.record(name, agentTypeConfigSchema);

export type CapabilityConfig = z.infer<typeof capabilityConfigSchema>;
export type AgentTypeConfig = z.infer<typeof agentTypeConfigSchema>;
