import { NotFoundError } from '@tta/core';
import {
  capabilityOverviews,
  overviewOf,
  type CapabilityOverviewOptions,
} from './capability-overview';
import { toJsonSchema } from '../openapi/to-json-schema';
import { withRedis } from '../http/with-redis';
import type { OperationHandlers } from './operation-handlers';

/** Options of {@link capabilityHandlers}. */
export type CapabilityRoutesOptions = CapabilityOverviewOptions;

/**
 * `GET /v1/capabilities` (the catalog with live agents, capacity and queue depth) and
 * `GET /v1/capabilities/:name` (one capability with its input and output schemas, its queues
 * and the live agents serving it; 404 for a capability the catalog does not hold).
 */
export function capabilityHandlers(
  options: CapabilityRoutesOptions,
): OperationHandlers<'listCapabilities' | 'getCapability'> {
  return {
    listCapabilities: async (_req, res) => {
      res.json({ capabilities: await capabilityOverviews(options) });
    },
    getCapability: async (req, res) => {
      const { name } = req.params;
      if (!options.catalog.has(name)) throw new NotFoundError('capability', name);
      const entry = options.catalog.get(name);
      const agents = await withRedis(options.redis, () =>
        options.registry.list({ capability: name }),
      );
      const live = agents.filter((agent) => agent.status !== 'draining');
      res.json({
        ...(await overviewOf(entry, live, options)),
        ...(entry.schemas && {
          inputSchema: toJsonSchema(entry.schemas.input, 'input'),
          outputSchema: toJsonSchema(entry.schemas.output, 'output'),
        }),
        agents,
      });
    },
  };
}
