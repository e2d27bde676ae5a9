import type { Logger } from '@tta/core';
import type { RequestHandler } from 'express';
import { authenticate } from './authenticate';
import type { ApiAuth } from './build-auth';
import { rateLimit } from './rate-limit';

/**
 * The middleware every request passes before any route: authentication and scope checks
 * ({@link authenticate}, which tells `logger` of a development key refused), then the per-key
 * rate limit ({@link rateLimit}) when it is on.
 */
export function accessControl(auth: ApiAuth, logger?: Logger): RequestHandler[] {
  return auth.limiter
    ? [authenticate(auth, logger), rateLimit({ limiter: auth.limiter })]
    : [authenticate(auth, logger)];
}
