import { policyValidateBodySchema } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { InvalidPolicyError, parseOrThrow, type PolicyManager, type RedisClient } from '@tta/core';
import { callerOf } from '../access/api-caller';
import { withRedis } from '../http/with-redis';

/** Options of {@link policyHandlers}. */
export interface PolicyRoutesOptions {
  /** The tool policy of this process. */
  policies: PolicyManager;
  /** The producer connection the shared status and reloads go through. */
  redis: RedisClient;
}

/**
 * `GET /v1/policy` (the applied tool policy), `GET /v1/policy/status` (its version, when and
 * whence it was applied, and the last refused reload), `POST /v1/policy/validate` (checks
 * policies without applying them: `200 { valid, errors, version? }`) and `POST
 * /v1/policy/reload` (reads the policy directory again and applies it in every process:
 * `200 { applied, changed, status }`, or `422 invalid_policy` naming each file and field while
 * the applied policy stays).
 */
export function policyHandlers(
  options: PolicyRoutesOptions,
): OperationHandlers<'getPolicy' | 'getPolicyStatus' | 'validatePolicy' | 'reloadPolicy'> {
  const { policies, redis } = options;
  return {
    getPolicy: (_req, res) => {
      res.json(policies.current());
    },
    getPolicyStatus: async (_req, res) => {
      res.json(await withRedis(redis, () => policies.status()));
    },
    validatePolicy: (req, res) => {
      res.json(policies.validate(parseOrThrow(policyValidateBodySchema, req.body, 'body')));
    },
    reloadPolicy: async (req, res) => {
      const by = callerOf(req)?.keyId;
      const trigger = `reload request${by ? ` by key ${by}` : ''}`;
      const result = await withRedis(redis, () => policies.reload(trigger));
      if (!result.applied) throw new InvalidPolicyError(result.errors);
      res.json({ applied: true, changed: result.changed, status: result.status });
    },
  };
}
