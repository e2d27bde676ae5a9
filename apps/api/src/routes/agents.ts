import { NotFoundError, parseOrThrow, type AgentRegistry, type RedisClient } from '@tta/core';
import { Router } from 'express';
import { z } from 'zod';
import { withRedis } from '../with-redis';

/** Options of {@link agentRoutes}. */
export interface AgentRoutesOptions {
  /** The live-agent registry. */
  registry: AgentRegistry;
  /** The producer connection the registry reads through. */
  redis: RedisClient;
}

/** The query of `GET /v1/agents`: filters by capability, type and status. */
export const agentQuerySchema = z
  .object({
    capability: z.string().min(1).max(128).optional(),
    type: z.string().min(1).max(128).optional(),
    status: z.enum(['starting', 'ready', 'draining']).optional(),
  })
  .strict();

/** `GET /v1/agents?capability=&type=&status=` and `GET /v1/agents/:id`: live agents only. */
export function agentRoutes(options: AgentRoutesOptions): Router {
  const router = Router();
  router.get('/v1/agents', async (req, res) => {
    const filter = parseOrThrow(agentQuerySchema, req.query, 'query');
    const agents = await withRedis(options.redis, () => options.registry.list(filter));
    res.json({ agents });
  });
  router.get('/v1/agents/:id', async (req, res) => {
    const { id } = req.params;
    const agent = await withRedis(options.redis, () => options.registry.get(id));
    if (!agent) throw new NotFoundError('agent', id);
    res.json(agent);
  });
  return router;
}
