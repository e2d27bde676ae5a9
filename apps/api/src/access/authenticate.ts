import { AuthRateLimitedError, ForbiddenError, UnauthenticatedError, type Logger } from '@tta/core';
import { grantsScope } from '@tta/contracts';
import type { Request, RequestHandler } from 'express';
import { setCaller, type ApiCaller } from './api-caller';
import type { ApiAuth } from './build-auth';
import { ADMIN_SESSION_COOKIE, presentedApiKey, readCookie } from './credentials';
import { clientAddress } from './client-address';
import { refuseUnauthenticated } from './require-scope';
import { verifyApiKey } from './verify-api-key';
import { isAdminPath, isPublicRoute, requiredScope } from './route-access';

const OPEN_CALLER: ApiCaller = {
  keyId: 'anonymous',
  owner: 'anonymous',
  scopes: ['admin'],
  via: 'open',
};

/**
 * Authenticates every request but the public routes (`/healthz`, the admin login and logout)
 * before any route runs, so an event stream never starts for a refused caller. The caller is
 * the key in `Authorization: Bearer` or `X-API-Key`, or, under `/admin/`, the admin-session
 * cookie while its session lives in Redis (read on every request, never cached; while Redis is
 * unavailable the cookie gets 503, never a pass). Then it checks the scope the route needs
 * ({@link requiredScope}): 401 without a known key, 403 without the scope; a route the table
 * does not name only needs a known key (and then answers 404). A client address with too many
 * failed authentications in the window (config `auth.failedAttempts`) gets 429
 * `auth_rate_limited` with `Retry-After` before its key is even looked at; `logger` hears of
 * the development key presented from another machine.
 */
export function authenticate(auth: ApiAuth, logger?: Logger): RequestHandler {
  return async (req, res, next) => {
    if (isPublicRoute(req.method, req.path)) {
      next();
      return;
    }
    const blockedMs = auth.failedAuth.blockedForMs(clientAddress(req));
    if (blockedMs > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(blockedMs / 1000));
      res.set('Retry-After', String(retryAfterSeconds));
      next(new AuthRateLimitedError(retryAfterSeconds));
      return;
    }
    const caller = await identify(auth, req, logger);
    if (caller instanceof UnauthenticatedError) {
      refuseUnauthenticated(req, res, next, caller);
      return;
    }
    setCaller(req, caller);
    const scope = requiredScope(req.method, req.path);
    if (scope !== undefined && !grantsScope(caller.scopes, scope)) {
      next(new ForbiddenError(scope));
      return;
    }
    next();
  };
}

async function identify(
  auth: ApiAuth,
  req: Request,
  logger: Logger | undefined,
): Promise<ApiCaller | UnauthenticatedError> {
  if (!auth.enabled) return OPEN_CALLER;
  const presented = presentedApiKey(req);
  if (presented !== undefined) {
    const identity = verifyApiKey(auth, req, presented, logger);
    if (!identity) return new UnauthenticatedError('unknown API key');
    return {
      keyId: identity.id,
      owner: identity.owner,
      scopes: identity.scopes,
      via: 'key',
      ...rateLimitOf(identity),
    };
  }
  if (isAdminPath(req.path)) {
    const caller = await sessionCaller(auth, readCookie(req, ADMIN_SESSION_COOKIE));
    if (caller) return caller;
  }
  return new UnauthenticatedError();
}

// A session counts while its signature holds, it lives in Redis, and its key still has admin.
async function sessionCaller(
  auth: ApiAuth,
  token: string | undefined,
): Promise<ApiCaller | undefined> {
  const session = token === undefined ? undefined : await auth.sessions.verify(token);
  const identity = session && auth.keys.get(session.keyId);
  if (!session || !identity || !grantsScope(identity.scopes, 'admin')) return undefined;
  return {
    keyId: identity.id,
    owner: identity.owner,
    scopes: identity.scopes,
    via: 'session',
    sessionId: session.id,
    ...rateLimitOf(identity),
  };
}

function rateLimitOf(identity: Pick<ApiCaller, 'rateLimit'>): Pick<ApiCaller, 'rateLimit'> {
  return identity.rateLimit ? { rateLimit: identity.rateLimit } : {};
}
