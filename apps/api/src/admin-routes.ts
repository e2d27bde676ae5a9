import { Router } from 'express';
import { AGENTS_PAGE_PATH, BULL_BOARD_PATH } from './admin/agents-page';
import { sameOriginGuard } from './admin/same-origin-guard';
import { adminGuard } from './require-scope';
import { adminAgentRoutes, type AdminAgentRoutesOptions } from './routes/admin-agents';
import { bullBoardRoutes, type BullBoardRoutesOptions } from './routes/bull-board';

/** Options of {@link adminRoutes}. */
export interface AdminRoutesOptions extends AdminAgentRoutesOptions, BullBoardRoutesOptions {}

/**
 * The admin dashboards: Bull Board at `/admin/queues` and the agents page at `/admin/agents`.
 * Both need scope `admin` (an admin key in a header, or the session cookie of `/admin/login`;
 * a browser without either is sent to the login form). Their state-changing requests (the
 * drain button, Bull Board's PUTs) must come from this site: the session cookie is
 * `SameSite=Strict` and {@link sameOriginGuard} checks `Origin` / `Referer`. Neither page may
 * be framed by another site. Mount before JSON body parsing: the drain form posts a form.
 */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const router = Router();
  router.use(
    [BULL_BOARD_PATH, AGENTS_PAGE_PATH],
    adminGuard,
    sameOriginGuard(),
    (_req, res, next) => {
      res.set('X-Frame-Options', 'DENY');
      next();
    },
  );
  router.use(bullBoardRoutes(options));
  router.use(adminAgentRoutes(options));
  return router;
}
