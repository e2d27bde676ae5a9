import type { Logger } from '@tta/core';
import type { Request, RequestHandler } from 'express';

/** Options of {@link requestLogger}. */
export interface RequestLoggerOptions {
  /** Receives one debug line per request. */
  logger: Logger;
}

/**
 * Logs each finished request at debug level with its method, route, status and duration.
 * Bodies, query strings and headers are never logged.
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  return (req, res, next) => {
    // Winston builds a log entry before it filters by level: skip the whole timing when
    // debug lines go nowhere.
    if (!options.logger.isDebugEnabled()) {
      next();
      return;
    }
    const startedAt = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      options.logger.debug('request', {
        method: req.method,
        route: routeOf(req),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      });
    });
    next();
  };
}

// The matched route pattern (`/v1/tasks/:id`) keeps ids out of the log; unmatched requests
// show their path.
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return typeof route?.path === 'string' ? route.path : req.path;
}
