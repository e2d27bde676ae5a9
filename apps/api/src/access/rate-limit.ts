import { RateLimitedError } from '@tta/core';
import type { Request, RequestHandler, Response } from 'express';
import { callerOf, type ApiCaller } from './api-caller';
import type { ApiRateLimiter, RateLimitDecision } from './api-rate-limiter';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Counts requests per subject, shared by every API instance through Redis. */
  limiter: ApiRateLimiter;
}

/**
 * Limits the requests of each caller that authentication let through: per API key id (per
 * client address while auth is off). Every counted answer carries `RateLimit-Limit`,
 * `RateLimit-Remaining`, `RateLimit-Reset` (seconds) and their `X-RateLimit-*` twins
 * (`X-RateLimit-Reset` in epoch seconds); one over the limit is 429 `rate_limited` with
 * `Retry-After` in whole seconds. Public routes are not counted. When Redis cannot count,
 * the request passes (the limiter logs a warning).
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  return async (req, res, next) => {
    const caller = callerOf(req);
    if (!caller) {
      next();
      return;
    }
    const decision = await options.limiter.consume(subjectOf(req, caller), caller.rateLimit);
    if (!decision) {
      next();
      return;
    }
    setRateLimitHeaders(res, decision);
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
      res.set('Retry-After', String(retryAfterSeconds));
      next(new RateLimitedError(retryAfterSeconds));
      return;
    }
    next();
  };
}

/**
 * Counts what a request carries beyond the one point {@link rateLimit} counted for it: `count`
 * tasks of a batch cost `count - 1` more, all or none. Over the limit, it sets `Retry-After` and
 * throws {@link RateLimitedError} (429); the headers then say what is left. A request of a
 * caller not counted (public routes, the rate limit off) or a limiter without Redis passes.
 */
export async function chargeTasks(
  req: Request,
  res: Response,
  limiter: ApiRateLimiter | undefined,
  count: number,
): Promise<void> {
  const caller = callerOf(req);
  if (!limiter || !caller || count <= 1) return;
  const decision = await limiter.consumeMany(subjectOf(req, caller), count - 1, caller.rateLimit);
  if (!decision) return;
  setRateLimitHeaders(res, decision);
  if (decision.allowed) return;
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
  res.set('Retry-After', String(retryAfterSeconds));
  throw new RateLimitedError(retryAfterSeconds);
}

function setRateLimitHeaders(res: Response, decision: RateLimitDecision): void {
  const resetSeconds = Math.max(0, Math.ceil(decision.resetMs / 1000));
  const limit = String(decision.limit);
  const remaining = String(decision.remaining);
  res.set({
    'RateLimit-Limit': limit,
    'RateLimit-Remaining': remaining,
    'RateLimit-Reset': String(resetSeconds),
    'RateLimit-Policy': `${decision.limit};w=${decision.windowSeconds}`,
    'X-RateLimit-Limit': limit,
    'X-RateLimit-Remaining': remaining,
    'X-RateLimit-Reset': String(Math.ceil((Date.now() + decision.resetMs) / 1000)),
  });
}

// Counted per key id, never the key itself; while auth is off, per client address.
function subjectOf(req: Request, caller: ApiCaller): string {
  return caller.via === 'open' ? `ip:${req.ip ?? 'unknown'}` : `key:${caller.keyId}`;
}
