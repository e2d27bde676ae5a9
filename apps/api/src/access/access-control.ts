import type { RequestHandler } from 'express';
import { authenticate } from './authenticate';
import type { ApiAuth } from './build-auth';
import { rateLimit } from './rate-limit';

/**
 * The middleware every request passes before any route: authentication and scope checks
 * ({@link authenticate}), then the per-key rate limit ({@link rateLimit}) when it is on.
 */
export function accessControl(auth: ApiAuth): RequestHandler[] {
  return auth.limiter
    ? [authenticate(auth), rateLimit({ limiter: auth.limiter })]
    : [authenticate(auth)];
}
