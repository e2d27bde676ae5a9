import { Router } from 'express';
import { AGENTS_PAGE_PATH, BULL_BOARD_PATH, SAFETY_PAGE_PATH } from './admin-paths';
import { sameOriginGuard } from './same-origin-guard';
import { adminGuard } from '../access/require-scope';
import { adminAgentRoutes, type AdminAgentRoutesOptions } from './admin-agents-routes';
import { adminSafetyRoutes, type AdminSafetyRoutesOptions } from './admin-safety-routes';
import { bullBoardRoutes, type BullBoardRoutesOptions } from './bull-board-routes';

/** Options of {@link adminRoutes}. */
export interface AdminRoutesOptions
  extends AdminAgentRoutesOptions, BullBoardRoutesOptions, AdminSafetyRoutesOptions {}

/**
 * The admin dashboards: Bull Board at `/admin/queues`, the agents page at `/admin/agents` and
 * the safety review page at `/admin/safety`. All need scope `admin` (an admin key in a header,
 * or the session cookie of `/admin/login`; a browser without either is sent to the login form).
 * Their state-changing requests (the drain button, the review buttons, Bull Board's PUTs) must
 * come from this site: the session cookie is `SameSite=Strict` and {@link sameOriginGuard}
 * checks `Origin` / `Referer`. No page may be framed by another site. Mount before JSON body
 * parsing: the drain and review forms post forms.
 */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const router = Router();
  router.use(
    [BULL_BOARD_PATH, AGENTS_PAGE_PATH, SAFETY_PAGE_PATH],
    adminGuard,
    sameOriginGuard(),
    (_req, res, next) => {
      res.set('X-Frame-Options', 'DENY');
      next();
    },
  );
  router.use(bullBoardRoutes(options));
  router.use(adminAgentRoutes(options));
  router.use(adminSafetyRoutes(options));
  return router;
}
