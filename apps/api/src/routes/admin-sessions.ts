import { NotFoundError, type AdminSession, type AdminSessions } from '@tta/core';
import type { AdminSessionView } from '@tta/contracts';
import type { ApiCaller } from '../access/api-caller';
import { callerOf } from '../access/api-caller';
import type { OperationHandlers } from './operation-handlers';

/** Options of {@link adminSessionHandlers}. */
export interface AdminSessionRoutesOptions {
  /** The admin sessions in Redis. */
  sessions: AdminSessions;
}

/**
 * `GET /v1/admin/sessions` (the live admin sessions, newest first, each marked `own` when it
 * was logged in with the caller's key and `current` when the request came with it) and
 * `DELETE /v1/admin/sessions/:id` (204; 404 `not_found` for an id no live session has): the
 * ended session's cookie is refused from the next request on.
 */
export function adminSessionHandlers(
  options: AdminSessionRoutesOptions,
): OperationHandlers<'listAdminSessions' | 'endAdminSession'> {
  const { sessions } = options;
  return {
    listAdminSessions: async (req, res) => {
      const caller = callerOf(req);
      const live = await sessions.list();
      res.json({ sessions: live.map((session) => adminSessionView(session, caller)) });
    },
    endAdminSession: async (req, res) => {
      const { id } = req.params;
      if (!(await sessions.end(id))) throw new NotFoundError('admin session', id);
      res.status(204).end();
    },
  };
}

/** A session as the API and the sessions page show it to `caller`. */
export function adminSessionView(
  session: AdminSession,
  caller: ApiCaller | undefined,
): AdminSessionView {
  return {
    ...session,
    own: caller !== undefined && caller.via !== 'open' && session.keyId === caller.keyId,
    current: caller?.sessionId === session.id,
  };
}
