import { Router } from 'express';
import {
  AGENTS_PAGE_PATH,
  BULL_BOARD_PATH,
  SAFETY_PAGE_PATH,
  SESSIONS_PAGE_PATH,
} from './admin-paths';
import { sameOriginGuard } from './same-origin-guard';
import { adminGuard } from '../access/require-scope';
import { adminAgentRoutes, type AdminAgentRoutesOptions } from './admin-agents-routes';
import { adminSafetyRoutes, type AdminSafetyRoutesOptions } from './admin-safety-routes';
import {
  adminSessionPageRoutes,
  type AdminSessionPageRoutesOptions,
} from './admin-sessions-routes';
import { bullBoardRoutes, type BullBoardRoutesOptions } from './bull-board-routes';

/** Options of {@link adminRoutes}. */
export interface AdminRoutesOptions
  extends
    AdminAgentRoutesOptions,
    BullBoardRoutesOptions,
    AdminSafetyRoutesOptions,
    AdminSessionPageRoutesOptions {}

/**
 * The admin dashboards: Bull Board at `/admin/queues`, the agents page at `/admin/agents`, the
 * safety review page at `/admin/safety` and the admin sessions page at `/admin/sessions`. All
 * need scope `admin` (an admin key in a header, or the session cookie of `/admin/login`; a
 * browser without either is sent to the login form). Their state-changing requests (the drain,
 * review and End buttons, Bull Board's PUTs) must come from this site: the session cookie is
 * `SameSite=Strict` and {@link sameOriginGuard} checks `Origin` / `Referer`. No page may be
 * framed by another site. Mount before JSON body parsing: the drain, review and End buttons
 * post forms.
 */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const router = Router();
  router.use(
    [BULL_BOARD_PATH, AGENTS_PAGE_PATH, SAFETY_PAGE_PATH, SESSIONS_PAGE_PATH],
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
  router.use(adminSessionPageRoutes(options));
  return router;
}
