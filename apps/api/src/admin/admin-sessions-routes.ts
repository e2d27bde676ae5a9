import type { AdminSessions } from '@tta/core';
import { Router, type Request } from 'express';
import { callerOf } from '../access/api-caller';
import { adminSessionView } from '../routes/admin-sessions';
import { ADMIN_PAGE_POLICY, type PageNotice } from './admin-layout';
import { SESSIONS_PAGE_PATH } from './admin-paths';
import { renderSessionsPage } from './sessions-page';

/** Options of {@link adminSessionPageRoutes}. */
export interface AdminSessionPageRoutesOptions {
  /** The admin sessions in Redis. */
  sessions: AdminSessions;
}

/**
 * `GET /admin/sessions`: the admin sessions page (HTML). `POST /admin/sessions/:id/end`: its End
 * button; it ends the session and answers 303 back to the page, which says what happened (a
 * browser that ended its own session is sent on to the login form). Mount behind the admin
 * guard and the same-origin guard.
 */
export function adminSessionPageRoutes(options: AdminSessionPageRoutesOptions): Router {
  const { sessions } = options;
  const router = Router();
  router.get(SESSIONS_PAGE_PATH, async (req, res) => {
    const readAt = Date.now();
    const caller = callerOf(req);
    const live = await sessions.list(readAt);
    const notice = noticeOf(req);
    const page = renderSessionsPage({
      sessions: live.map((session) => adminSessionView(session, caller)),
      readAt,
      ...(notice && { notice }),
    });
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': ADMIN_PAGE_POLICY });
    res.type('html').send(page);
  });
  router.post(`${SESSIONS_PAGE_PATH}/:id/end`, async (req, res) => {
    const { id } = req.params;
    const outcome = (await sessions.end(id)) ? 'ended' : 'gone';
    res.redirect(303, `${SESSIONS_PAGE_PATH}?${outcome}=${encodeURIComponent(id)}`);
  });
  return router;
}

// The outcome of an End button, carried over the redirect in the query.
function noticeOf(req: Request): PageNotice | undefined {
  const { ended, gone } = req.query;
  if (typeof ended === 'string') {
    return { kind: 'info', text: `Session ${ended} ended: its cookie no longer opens any page.` };
  }
  if (typeof gone === 'string') {
    return { kind: 'error', text: `${gone} is not a live session: nothing to end.` };
  }
  return undefined;
}
