import { z } from 'zod';
import { labelSetSchema } from '@tta/contracts';

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
    /** Fraction (0 to 1) of each backoff delay that is random; default `tasks.defaultBackoffJitter`. */
    backoffJitter: z.number().min(0).max(1).optional(),
    /**
     * Tasks of one session never overlap and run in the order they were accepted (for
     * capabilities that change a session's state, such as `world.update`). Default: false.
     */
    ordered: z.boolean().optional(),
    /**
     * Label sets whose pool queues accept tasks of this capability even while no agent carrying
     * them is live, besides the labels of its agent type (`agents.<type>.labels`): for agents
     * whose labels come from elsewhere (their definition, another deployment). At most 64.
     */
    pools: z.array(labelSetSchema).max(64).optional(),
  })
  .strict();

/** Capability name to its settings. */
export const capabilityCatalogSchema = z.record(name, capabilityConfigSchema);

/** How an agent type's workers tune their concurrency at run time. */
export const concurrencyTuningSchema = z
  .object({
    /** Whether the concurrency is tuned at all. */
    enabled: z.boolean().default(false),
    /** Lowest concurrency per queue. Default: 1. */
    minConcurrency: z.number().int().min(1).max(10_000).optional(),
    /** Highest concurrency per queue. Default: 4 × `concurrency`. */
    maxConcurrency: z.number().int().min(1).max(10_000).optional(),
    /** Time between two tuning decisions. */
    intervalMs: z.number().int().min(50).default(1000),
    /** Event-loop delay (p99 over an interval) above which the concurrency decreases. */
    maxEventLoopDelayMs: z.number().positive().default(100),
    /** Event-loop utilization (0 to 1) above which the concurrency decreases. */
    maxEventLoopUtilization: z.number().gt(0).max(1).default(0.9),
  })
  .strict()
  .refine(
    (t) =>
      t.minConcurrency === undefined ||
      t.maxConcurrency === undefined ||
      t.minConcurrency <= t.maxConcurrency,
    { message: 'minConcurrency must not exceed maxConcurrency' },
  );

/** How one agent type runs. */
export const agentTypeConfigSchema = z
  .object({
    /** Whether the supervisor's local executor runs this agent type at all. */
    enabled: z.boolean().default(true),
    /** How many worker processes the local executor keeps running. */
    replicas: z.number().int().min(0).max(64).default(1),
    /** Fewest worker processes the autoscaler keeps. Default: `replicas`. */
    minReplicas: z.number().int().min(0).max(64).optional(),
    /** Most worker processes the autoscaler starts. Default: `replicas`. */
    maxReplicas: z.number().int().min(0).max(64).optional(),
    /** Jobs one worker process runs at once, on each queue it consumes. */
    concurrency: z.number().int().min(1).max(10_000).default(16),
    /**
     * For an agent type that is not built in: the module (path relative to the config
     * directory, or absolute) whose `createAgent(deps)` returns its definition.
     */
    module: z.string().min(1).optional(),
    /**
     * Labels of this type's agents (at most 3, e.g. `{ "tier": "fast" }`), over those of its
     * definition: its agents also consume the pool queues of these labels.
     */
    labels: labelSetSchema.optional(),
    /**
     * Run-time tuning of each worker's concurrency within bounds, from its event-loop delay,
     * handler run time and utilization. Default: off.
     */
    tuning: concurrencyTuningSchema.optional(),
  })
  .strict();

/** Agent type name to how it runs. */
export const agentTypesSchema = z.record(name, agentTypeConfigSchema);

export type CapabilityConfig = z.infer<typeof capabilityConfigSchema>;
export type AgentTypeConfig = z.infer<typeof agentTypeConfigSchema>;
