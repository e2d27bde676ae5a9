import { RedisUnavailableError, type StartedAdminSession } from '@tta/core';
import { grantsScope } from '@tta/contracts';
import express, { Router, type Request, type Response } from 'express';
import { renderLoginPage, type LoginPageView } from './login-page';
import { sameOriginGuard } from './same-origin-guard';
import { ADMIN_LOGIN_PATH, safeAdminTarget } from './admin-redirects';
import type { ApiAuth } from '../access/build-auth';
import { ADMIN_SESSION_COOKIE, readCookie } from '../access/credentials';
import { verifyApiKey } from '../access/verify-api-key';

/** Options of {@link adminLoginRoutes}. */
export interface AdminLoginRoutesOptions {
  /** The keys a login is checked against, and the admin sessions it starts and ends. */
  auth: ApiAuth;
  /** Most login attempts per client address and minute. Default: 10. */
  loginAttemptsPerMinute?: number;
}

const COOKIE_PATH = '/admin';

/**
 * The browser login of the admin dashboards. `GET /admin/login` (`?next=/admin/...`): a form
 * asking for an API key with scope `admin`. `POST /admin/login` (form fields `key`, `next`):
 * 401 (unknown key) or 403 (no `admin`) with the form again; else a session in Redis (key id,
 * client address, user agent), an HttpOnly, SameSite=Strict cookie holding the signed token
 * naming it (never the key), and a 303 to `next` (default `/admin/queues`). `GET` or `POST
 * /admin/logout` ends the session in Redis, so its cookie is refused from then on, and clears
 * the cookie. No key is needed for these; logins are limited per client address (`req.ip`: the
 * connection's, or the one config `api.trustProxy` lets a proxy forward).
 */
export function adminLoginRoutes(options: AdminLoginRoutesOptions): Router {
  const { auth } = options;
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: 4096, parameterLimit: 10 });
  router.get(ADMIN_LOGIN_PATH, (req, res) => {
    const next = safeAdminTarget(req.query.next);
    if (!auth.enabled) {
      res.redirect(303, next);
      return;
    }
    sendPage(res, 200, { next, loggedOut: req.query.loggedOut === '1' });
  });
  router.post(ADMIN_LOGIN_PATH, sameOriginGuard(), form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeAdminTarget(body.next);
    if (!auth.enabled) {
      res.redirect(303, next);
      return;
    }
    if (!(await withinLoginLimit(options, req, res))) {
      sendPage(res, 429, { next, error: 'Too many login attempts: wait a minute and try again.' });
      return;
    }
    await logIn(auth, req, res, {
      next,
      key: typeof body.key === 'string' ? body.key.trim() : '',
    });
  });
  // The cookie goes even when Redis cannot end the session: the 503 then says it lives on.
  const logOut = async (req: Request, res: Response): Promise<void> => {
    res.clearCookie(ADMIN_SESSION_COOKIE, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'strict',
    });
    const token = readCookie(req, ADMIN_SESSION_COOKIE);
    const id = token === undefined ? undefined : auth.sessions.idOf(token);
    if (id !== undefined) await auth.sessions.end(id);
    res.redirect(303, `${ADMIN_LOGIN_PATH}?loggedOut=1`);
  };
  router.get('/admin/logout', logOut);
  router.post('/admin/logout', logOut);
  return router;
}

async function logIn(
  auth: ApiAuth,
  req: Request,
  res: Response,
  attempt: { next: string; key: string },
): Promise<void> {
  const identity = attempt.key === '' ? undefined : verifyApiKey(auth, req, attempt.key);
  if (!identity) {
    sendPage(res, 401, { next: attempt.next, error: 'Unknown API key.' });
    return;
  }
  if (!grantsScope(identity.scopes, 'admin')) {
    sendPage(res, 403, { next: attempt.next, error: 'This API key lacks the admin scope.' });
    return;
  }
  const started = await startSession(auth, req, identity.id);
  if (!started) {
    sendPage(res, 503, { next: attempt.next, error: 'Sessions are unavailable: try again soon.' });
    return;
  }
  res.cookie(ADMIN_SESSION_COOKIE, started.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: COOKIE_PATH,
    expires: new Date(started.session.expiresAt),
  });
  res.redirect(303, attempt.next);
}

// The new session, or `undefined` while Redis is unavailable (the form then says so).
async function startSession(
  auth: ApiAuth,
  req: Request,
  keyId: string,
): Promise<StartedAdminSession | undefined> {
  try {
    return await auth.sessions.start({
      keyId,
      address: req.ip ?? '',
      userAgent: req.get('user-agent') ?? '',
    });
  } catch (err) {
    if (err instanceof RedisUnavailableError) return undefined;
    throw err;
  }
}

// Counted on the shared limiter, per client address; without a limiter, logins are not limited.
async function withinLoginLimit(
  options: AdminLoginRoutesOptions,
  req: Request,
  res: Response,
): Promise<boolean> {
  const limiter = options.auth.limiter;
  if (!limiter) return true;
  const decision = await limiter.consume(`login:${req.ip ?? 'unknown'}`, {
    points: options.loginAttemptsPerMinute ?? 10,
    durationSeconds: 60,
  });
  if (!decision || decision.allowed) return true;
  res.set('Retry-After', String(Math.max(1, Math.ceil(decision.resetMs / 1000))));
  return false;
}

function sendPage(res: Response, status: number, view: LoginPageView): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
    })
    .type('html')
    .send(renderLoginPage(view));
}
