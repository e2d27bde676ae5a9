import { InvalidPolicyError, parseOrThrow, type PolicyManager, type RedisClient } from '@tta/core';
import { Router } from 'express';
import { z } from 'zod';
import { callerOf } from '../api-caller';
import { withRedis } from '../with-redis';

/** Options of {@link policyRoutes}. */
export interface PolicyRoutesOptions {
  /** The tool policy of this process. */
  policies: PolicyManager;
  /** The producer connection the shared status and reloads go through. */
  redis: RedisClient;
}

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

/**
 * `GET /v1/policy` (the applied tool policy), `GET /v1/policy/status` (its version, when and
 * whence it was applied, and the last refused reload), `POST /v1/policy/validate` (checks
 * policies without applying them: `200 { valid, errors, version? }`) and `POST
 * /v1/policy/reload` (reads the policy directory again and applies it in every process:
 * `200 { applied, changed, status }`, or `422 invalid_policy` naming each file and field while
 * the applied policy stays).
 */
export function policyRoutes(options: PolicyRoutesOptions): Router {
  const { policies, redis } = options;
  const router = Router();
  router.get('/v1/policy', (_req, res) => {
    res.json(policies.current());
  });
  router.get('/v1/policy/status', async (_req, res) => {
    res.json(await withRedis(redis, () => policies.status()));
  });
  router.post('/v1/policy/validate', (req, res) => {
    res.json(policies.validate(parseOrThrow(policyValidateBodySchema, req.body, 'body')));
  });
  router.post('/v1/policy/reload', async (req, res) => {
    const by = callerOf(req)?.keyId;
    const trigger = `reload request${by ? ` by key ${by}` : ''}`;
    const result = await withRedis(redis, () => policies.reload(trigger));
    if (!result.applied) throw new InvalidPolicyError(result.errors);
    res.json({ applied: true, changed: result.changed, status: result.status });
  });
  return router;
}
