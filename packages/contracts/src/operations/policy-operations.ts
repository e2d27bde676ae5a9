import type { ApiOperation } from '../operation';
import {
  appliedPolicySchema,
  policyReloadSchema,
  policyStatusSchema,
  policyValidateBodySchema,
  policyValidationSchema,
} from '../schemas/policy';

/** The tool policy routes. */
export const POLICY_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/policy',
    scope: 'agents:read',
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
    scope: 'agents:read',
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
    scope: 'admin',
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
    scope: 'admin',
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
] as const satisfies readonly ApiOperation[];
