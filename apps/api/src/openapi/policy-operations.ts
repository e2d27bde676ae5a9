import { z } from 'zod';
import { policyValidateBodySchema } from '../routes/policy';
import type { ApiOperation } from './api-operation';

const toolLimits = z.object({
  timeoutMs: z.number().int().describe('a call is aborted past this, waiting for a slot included'),
  concurrency: z.number().int().describe('calls at once per process; more wait'),
});

const agentPolicy = z.object({
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

const appliedPolicySchema = z.object({
  version: z.string().describe('hash of `policies`'),
  loadedAt: z.number().int().describe('epoch ms when this version was applied'),
  source: z.string().describe('the directory it was read from, and what applied it'),
  policies: z
    .record(z.string(), agentPolicy)
    .describe('by agent type; `default` applies to types without their own'),
});

const policyStatusSchema = z.object({
  version: z.string(),
  loadedAt: z.number().int(),
  source: z.string(),
  lastError: z
    .object({ at: z.number().int(), message: z.string() })
    .optional()
    .describe('the last refused reload, until a reload succeeds'),
});

const policyValidationSchema = z.object({
  valid: z.boolean(),
  errors: z.array(z.string()).describe('each names its file (or agent type) and field'),
  version: z.string().optional().describe('the version the policies would have, when valid'),
});

const policyReloadSchema = z.object({
  applied: z.literal(true),
  changed: z.boolean().describe('whether the applied version changed'),
  status: policyStatusSchema,
});

/** The tool policy routes. */
export const POLICY_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/policy',
    operationId: 'getPolicy',
    tag: 'policy',
    summary:
      'The applied tool policy: per agent type, tools, permissions, rate limits, budgets, model tiers',
    readsRedis: false,
    response: {
      status: 200,
      description: 'the applied policy',
      body: { name: 'AppliedPolicy', schema: appliedPolicySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/policy/status',
    operationId: 'getPolicyStatus',
    tag: 'policy',
    summary:
      'Version of the applied tool policy, when and whence it came, and the last refused reload',
    response: {
      status: 200,
      description: 'the status shared by every process',
      body: { name: 'PolicyStatus', schema: policyStatusSchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/policy/validate',
    operationId: 'validatePolicy',
    tag: 'policy',
    summary: 'Check policy files or policy objects without applying them',
    description:
      'Send `{ "files": { "world-builder.yaml": "<text>" } }` or `{ "policies": { "world-builder": {...} } }`. The answer is 200 whether they are valid or not.',
    readsRedis: false,
    body: { name: 'PolicyValidateRequest', schema: policyValidateBodySchema },
    response: {
      status: 200,
      description: 'whether they are valid, and every problem',
      body: { name: 'PolicyValidation', schema: policyValidationSchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/policy/reload',
    operationId: 'reloadPolicy',
    tag: 'policy',
    summary: 'Read the policy directory again and apply it in every process, if it is valid',
    description:
      'Invalid files are refused with 422 `invalid_policy` (`details.errors` names each file and field); the applied policy stays and the reason shows in `GET /v1/policy/status`.',
    response: {
      status: 200,
      description: 'applied (or unchanged)',
      body: { name: 'PolicyReload', schema: policyReloadSchema },
    },
    errors: [422],
  },
];
