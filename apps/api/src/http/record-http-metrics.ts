import { UNMATCHED_ROUTE, type HttpRequestMetrics } from '@tta/core';
import type { Request, RequestHandler } from 'express';

/** Options of {@link recordHttpMetrics}. */
export interface RecordHttpMetricsOptions {
  /** Where each answered request is recorded. */
  metrics: HttpRequestMetrics;
}

// nginx's code for a request whose client went away before it was answered.
const CLIENT_CLOSED = 499;

/**
 * Middleware, first in the app, that records every request in
 * `tta_http_request_duration_seconds{method,route,status}` when its response ends (or its
 * connection closes): `route` is the pattern of the route that handled it (`/v1/tasks/:id`), or
 * `unmatched` for a request no route took (a 404, or one refused before routing).
 */
export function recordHttpMetrics(options: RecordHttpMetricsOptions): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('close', () => {
      options.metrics.observe({
        method: req.method,
        route: routeOf(req),
        status: res.headersSent ? res.statusCode : CLIENT_CLOSED,
        durationMs: Number(process.hrtime.bigint() - start) / 1e6,
      });
    });
    next();
  };
}

function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}
