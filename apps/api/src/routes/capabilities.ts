import type { OperationHandlers } from './operation-handlers';
import { capabilityOverviews, type CapabilityOverviewOptions } from '../capability-overview';

/** Options of {@link capabilityHandlers}. */
export type CapabilityRoutesOptions = CapabilityOverviewOptions;

/** `GET /v1/capabilities`: the catalog with live agents, capacity and queue depth. */
export function capabilityHandlers(
  options: CapabilityRoutesOptions,
): OperationHandlers<'listCapabilities'> {
  return {
    listCapabilities: async (_req, res) => {
      res.json({ capabilities: await capabilityOverviews(options) });
    },
  };
}
