import { z } from 'zod';

/**
 * The body of `POST /v1/policy/validate`: policy files by name (`world-builder.yaml`: its
 * text), or policy objects by agent type (the `policies` of `GET /v1/policy`).
 */
export const policyValidateBodySchema = z.union(
  [
    z
      .object({
        files: z.record(
          z.string().min(1).max(200).describe('file name: <agent-type>.yaml, .yml or .json'),
          z.string().describe('the YAML or JSON text of the file'),
        ),
      })
      .strict(),
    z
      .object({
        policies: z.record(
          z.string().min(1).max(200).describe('agent type, or default'),
          z.unknown().describe('the policy, as a policy file holds it'),
        ),
      })
      .strict(),
  ],
  {
    error:
      'must be { files: { "<agent-type>.yaml": "<text>" } } or { policies: { "<agent-type>": {...} } }',
  },
);

/** The body of `POST /v1/policy/validate`. */
export type PolicyValidateRequest = z.input<typeof policyValidateBodySchema>;

const toolLimits = z.object({
  timeoutMs: z.number().int().describe('a call is aborted past this, waiting for a slot included'),
  concurrency: z.number().int().describe('calls at once per process; more wait'),
});

/** The tool policy of one agent type. */
export const agentPolicySchema = z.object({
  description: z.string().optional(),
  tools: z.record(z.string(), toolLimits).describe('the allowed tools, by name'),
  permissions: z.object({
    network: z.union([z.literal('none'), z.object({ allow: z.array(z.string()) })]),
    filesystem: z.union([
      z.literal('none'),
      z.object({ read: z.array(z.string()), write: z.array(z.string()) }),
    ]),
    process: z.boolean(),
  }),
  rateLimits: z
    .record(z.string(), z.object({ max: z.number().int(), durationMs: z.number().int() }))
    .describe('by capability: at most `max` tasks started per `durationMs` on each of its queues'),
  budgets: z.object({ taskUsd: z.number().optional(), sessionUsd: z.number().optional() }),
  models: z
    .object({ allowedTiers: z.array(z.string()), fallbackTier: z.string().optional() })
    .optional(),
});

/** See `GET /v1/policy*`. */
export const appliedPolicySchema = z.object({
  version: z.string().describe('hash of `policies`'),
  loadedAt: z.number().int().describe('epoch ms when this version was applied'),
  source: z.string().describe('the directory it was read from, and what applied it'),
  policies: z
    .record(z.string(), agentPolicySchema)
    .describe('by agent type; `default` applies to types without their own'),
});

/** See `GET /v1/policy*`. */
export const policyStatusSchema = z.object({
  version: z.string(),
  loadedAt: z.number().int(),
  source: z.string(),
  lastError: z
    .object({ at: z.number().int(), message: z.string() })
    .optional()
    .describe('the last refused reload, until a reload succeeds'),
});

/** See `GET /v1/policy*`. */
export const policyValidationSchema = z.object({
  valid: z.boolean(),
  errors: z.array(z.string()).describe('each names its file (or agent type) and field'),
  version: z.string().optional().describe('the version the policies would have, when valid'),
});

/** See `GET /v1/policy*`. */
export const policyReloadSchema = z.object({
  applied: z.literal(true),
  changed: z.boolean().describe('whether the applied version changed'),
  status: policyStatusSchema,
});

/** The applied tool policy. */
export type AppliedPolicy = z.output<typeof appliedPolicySchema>;

/** The tool policy of one agent type. */
export type AgentPolicyView = z.output<typeof agentPolicySchema>;

/** The version of the applied policy, when and whence it was applied, the last refusal. */
export type PolicyStatus = z.output<typeof policyStatusSchema>;

/** The verdict on policies checked without applying them. */
export type PolicyValidation = z.output<typeof policyValidationSchema>;

/** The answer to an applied reload. */
export type PolicyReload = z.output<typeof policyReloadSchema>;
