/** Path of the admin login form. */
export const ADMIN_LOGIN_PATH = '/admin/login';

/** Where a login without a (safe) `next` lands: Bull Board. */
export const ADMIN_HOME_PATH = '/admin/queues';

/**
 * `next` when it is a path of this API under `/admin/` (not the login form itself), else the
 * admin home: a login never sends a browser to another site.
 */
export function safeAdminTarget(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2048) return ADMIN_HOME_PATH;
  if (!/^\/admin\/[^\\\s]*$/.test(next) || next.startsWith(ADMIN_LOGIN_PATH)) {
    return ADMIN_HOME_PATH;
  }
  return next;
}

/** The login form's URL, bringing the browser back to `target` afterwards. */
export function adminLoginUrl(target: string): string {
  const next = safeAdminTarget(target);
  return next === ADMIN_HOME_PATH
    ? ADMIN_LOGIN_PATH
    : `${ADMIN_LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}
