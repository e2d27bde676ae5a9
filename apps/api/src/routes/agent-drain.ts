import { drainBodySchema } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import { parseOrThrow, type AgentControl, type RedisClient } from '@tta/core';
import { callerOf } from '../access/api-caller';
import { withRedis } from '../http/with-redis';

/** Options of {@link agentDrainHandlers}. */
export interface AgentDrainRoutesOptions {
  /** Gives drain commands to live agents. */
  agentControl: AgentControl;
  /** The producer connection the command is written through. */
  redis: RedisClient;
}

/**
 * `POST /v1/agents/:id/drain` with an optional `{ reason }` → `202 { id, status:
 * "drain_requested", reason, requestedAt }`; 404 `not_found` when no live agent has the id.
 * The agent stops taking tasks, finishes or hands back its in-flight ones and leaves the
 * registry (its status reads `draining` meanwhile); a worker process then exits 0.
 */
export function agentDrainHandlers(
  options: AgentDrainRoutesOptions,
): OperationHandlers<'drainAgent'> {
  return {
    drainAgent: async (req, res) => {
      const body = parseOrThrow(drainBodySchema, req.body, 'body');
      const { id } = req.params;
      const by = callerOf(req)?.keyId;
      const reason = body.reason ?? `requested through the API${by ? ` by key ${by}` : ''}`;
      const command = await withRedis(options.redis, () => options.agentControl.drain(id, reason));
      res.status(202).json({
        id,
        status: 'drain_requested',
        reason: command.reason,
        requestedAt: command.requestedAt,
      });
    },
  };
}
