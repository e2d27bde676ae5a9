import { ForbiddenError, UnauthenticatedError } from '@tta/core';
import { grantsScope, type ApiScope } from '@tta/contracts';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { adminLoginUrl } from '../admin/admin-redirects';
import { callerOf } from './api-caller';
import { isAdminPath } from './route-access';

/** Whether the request comes from a browser asking for a page rather than from an API client. */
function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * Refuses a request that carries no usable credentials: a browser asking for an `/admin/`
 * page is sent to the login form (303); anyone else gets 401 `unauthenticated` (JSON) with
 * `WWW-Authenticate: Bearer`.
 */
export function refuseUnauthenticated(
  req: Request,
  res: Response,
  next: NextFunction,
  error: UnauthenticatedError = new UnauthenticatedError(),
): void {
  if (isAdminPath(req.path) && (req.method === 'GET' || req.method === 'HEAD') && wantsHtml(req)) {
    res.redirect(303, adminLoginUrl(req.originalUrl));
    return;
  }
  res.set('WWW-Authenticate', 'Bearer realm="tta"');
  next(error);
}

/**
 * Lets a request through only when its caller (found by the app's authentication middleware,
 * which runs first) holds `scope`: 401 without a caller, 403 `forbidden` without the scope.
 */
export function requireScope(scope: ApiScope): RequestHandler {
  return (req, res, next) => {
    const caller = callerOf(req);
    if (!caller) {
      refuseUnauthenticated(req, res, next);
      return;
    }
    if (!grantsScope(caller.scopes, scope)) {
      next(new ForbiddenError(scope));
      return;
    }
    next();
  };
}

/**
 * Guards the admin dashboards (`/admin/queues`, `/admin/agents`): the caller must hold `admin`,
 * by an admin key in a header or the admin-session cookie of `/admin/login`. A browser without
 * either is sent to the login form; an API client gets 401 JSON.
 */
export const adminGuard: RequestHandler = requireScope('admin');
