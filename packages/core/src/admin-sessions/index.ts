/**
 * Admin sessions: the browsers logged in at the admin login, server-side in Redis, and the
 * signed tokens their cookies hold.
 */
export {
  type AdminSession,
  AdminSessions,
  type AdminSessionsOptions,
  type NewAdminSession,
  type StartedAdminSession,
} from './admin-sessions';
