import { agentQuerySchema } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { NotFoundError, parseOrThrow, type AgentRegistry, type RedisClient } from '@tta/core';
import { withRedis } from '../http/with-redis';

/** Options of {@link agentHandlers}. */
export interface AgentRoutesOptions {
  /** The live-agent registry. */
  registry: AgentRegistry;
  /** The producer connection the registry reads through. */
  redis: RedisClient;
}

/** `GET /v1/agents?capability=&type=&status=` and `GET /v1/agents/:id`: live agents only. */
export function agentHandlers(
  options: AgentRoutesOptions,
): OperationHandlers<'listAgents' | 'getAgent'> {
  return {
    listAgents: async (req, res) => {
      const filter = parseOrThrow(agentQuerySchema, req.query, 'query');
      const agents = await withRedis(options.redis, () => options.registry.list(filter));
      res.json({ agents });
    },
    getAgent: async (req, res) => {
      const { id } = req.params;
      const agent = await withRedis(options.redis, () => options.registry.get(id));
      if (!agent) throw new NotFoundError('agent', id);
      res.json(agent);
    },
  };
}
