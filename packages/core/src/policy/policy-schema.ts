import path from 'node:path';
import { z } from 'zod';

/** Timeout of a tool call whose policy entry names none. */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;

/** Calls of one tool at once per process when its policy entry names no `concurrency`. */
export const DEFAULT_TOOL_CONCURRENCY = 8;

/** Agent types (policy file names), tool names' segments: `[a-z][a-z0-9-]*`. */
export const POLICY_AGENT_TYPE = /^[a-z][a-z0-9-]*$/;

/** Tool and capability names: dotted lowercase words, e.g. `world.snapshot`. */
export const DOTTED_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** The name of the policy file that applies to agent types without one of their own. */
export const DEFAULT_POLICY_NAME = 'default';

const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const TIER = /^[a-z][a-z0-9-]*$/;

const positiveInt = z
  .number({ error: 'must be a positive integer' })
  .int({ error: 'must be a positive integer' })
  .positive({ error: 'must be a positive integer' });

const usd = z
  .number({ error: 'must be a number of US dollars' })
  .nonnegative({ error: 'must not be negative' })
  .finite({ error: 'must be finite' });

const dottedName = (what: string) =>
  z.string().regex(DOTTED_NAME, `must be a ${what} name such as world.snapshot`);

/** Limits of one allowed tool. */
const toolLimitsSchema = z.preprocess(
  (value) => value ?? {},
  z
    .object({
      timeoutMs: positiveInt.max(600_000, { error: 'must be at most 600000' }).optional(),
      concurrency: positiveInt.max(1000, { error: 'must be at most 1000' }).optional(),
    })
    .strict()
    .transform((limits) => ({
      timeoutMs: limits.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      concurrency: limits.concurrency ?? DEFAULT_TOOL_CONCURRENCY,
    })),
);

const networkSchema = z.union(
  [
    z.literal('none'),
    z
      .object({
        allow: z.array(z.string().regex(HOST, 'must be a host name such as api.example.com')),
      })
      .strict(),
  ],
  { error: "must be 'none' or { allow: [hosts] }" },
);

const absolutePath = z
  .string()
  .refine((p) => path.isAbsolute(p), 'must be an absolute path')
  .transform((p) => path.resolve(p));

const filesystemSchema = z.union(
  [
    z.literal('none'),
    z
      .object({
        read: z.array(absolutePath).default([]),
        write: z.array(absolutePath).default([]),
      })
      .strict(),
  ],
  { error: "must be 'none' or { read: [paths], write: [paths] }" },
);

const permissionsSchema = z
  .object({
    network: networkSchema.default('none'),
    filesystem: filesystemSchema.default('none'),
    process: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .strict();

const rateLimitSchema = z.object({ max: positiveInt, durationMs: positiveInt }).strict();

const budgetsSchema = z.object({ taskUsd: usd.optional(), sessionUsd: usd.optional() }).strict();

const tier = z.string().regex(TIER, 'must be a tier name such as fast');

const modelsSchema = z
  .object({
    allowedTiers: z.array(tier).min(1, { error: 'must name at least one tier' }),
    fallbackTier: tier.optional(),
  })
  .strict()
  .refine((m) => m.fallbackTier === undefined || m.allowedTiers.includes(m.fallbackTier), {
    error: 'must be one of allowedTiers',
    path: ['fallbackTier'],
  });

/**
 * The zod schema of one policy file (YAML or JSON): the policy of the agent type the file is
 * named after, or of every type without its own file (`default`). Missing sections deny:
 * no tools, no network, no filesystem, no processes, no rate limit, no budget.
 */
export const agentPolicySchema = z
  .object(
    {
      description: z.string().optional(),
      tools: z
        .record(dottedName('tool'), toolLimitsSchema, {
          error: 'must be a map of tool name to { timeoutMs?, concurrency? }',
        })
        .default({}),
      permissions: permissionsSchema.default({
        network: 'none',
        filesystem: 'none',
        process: false,
      }),
      rateLimits: z
        .record(dottedName('capability'), rateLimitSchema, {
          error: 'must be a map of capability to { max, durationMs }',
        })
        .default({}),
      budgets: budgetsSchema.default({}),
      models: modelsSchema.optional(),
    },
    { error: 'must be a map of policy sections (tools, permissions, rateLimits, budgets, models)' },
  )
  .strict();

/** The policy of one agent type, with every default filled in. */
export type AgentPolicy = z.output<typeof agentPolicySchema>;

/** The limits of one allowed tool: `timeoutMs` (whole call) and `concurrency` (per process). */
export type ToolLimits = AgentPolicy['tools'][string];

/** What an agent type's tools may reach. */
export type PolicyPermissions = AgentPolicy['permissions'];

/** A BullMQ rate limit of one capability's queues: at most `max` jobs started per `durationMs`. */
export type CapabilityRateLimit = AgentPolicy['rateLimits'][string];

/** The policy that applies when neither the agent type nor `default` has a file: deny all. */
export const EMPTY_AGENT_POLICY: AgentPolicy = Object.freeze<AgentPolicy>({
  tools: {},
  permissions: { network: 'none', filesystem: 'none', process: false },
  rateLimits: {},
  budgets: {},
});

/** The applied policy of the deployment, as stored in Redis and answered by `GET /v1/policy`. */
export interface AppliedPolicy {
  /** Hash of `policies`: equal policies have equal versions. */
  version: string;
  /** Epoch ms when this version was applied. */
  loadedAt: number;
  /** Where it was read from and what applied it, e.g. `config/policies (file change)`. */
  source: string;
  /** Policy by agent type; `default` applies to types without their own. */
  policies: Record<string, AgentPolicy>;
}

/** The zod schema of an {@link AppliedPolicy} read back from Redis. */
export const appliedPolicySchema = z.object({
  version: z.string().min(1),
  loadedAt: z.number(),
  source: z.string(),
  policies: z.record(z.string().regex(POLICY_AGENT_TYPE), agentPolicySchema),
});
