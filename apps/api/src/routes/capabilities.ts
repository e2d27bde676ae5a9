import { Router } from 'express';
import { capabilityOverviews, type CapabilityOverviewOptions } from '../capability-overview';

/** Options of {@link capabilityRoutes}. */
export type CapabilityRoutesOptions = CapabilityOverviewOptions;

/** `GET /v1/capabilities`: the catalog with live agents, capacity and queue depth. */
export function capabilityRoutes(options: CapabilityRoutesOptions): Router {
  const router = Router();
  router.get('/v1/capabilities', async (_req, res) => {
    res.json({ capabilities: await capabilityOverviews(options) });
  });
  return router;
}
