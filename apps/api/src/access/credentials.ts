import type { Request } from 'express';

/** Name of the cookie that holds an admin session (set by `POST /admin/login`). */
export const ADMIN_SESSION_COOKIE = 'tta_admin_session';

/**
 * The API key a request presents: `Authorization: Bearer <key>`, else `X-API-Key: <key>`.
 * `undefined` when it presents none (another `Authorization` scheme counts as none).
 */
export function presentedApiKey(req: Request): string | undefined {
  const authorization = req.get('authorization');
  const bearer = authorization === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(authorization);
  if (bearer?.[1]) return bearer[1];
  const header = req.get('x-api-key')?.trim();
  return header ? header : undefined;
}

/** The value of cookie `name` of a request, or `undefined`. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    try {
      return decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
