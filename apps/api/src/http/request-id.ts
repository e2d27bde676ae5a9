import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

/** The header that carries a request's id, both ways. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An id a caller may choose: short, and nothing that could forge a log line. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const ids = new WeakMap<Request, string>();

/** The id of a request (after {@link requestId} ran); `undefined` before. */
export function requestIdOf(req: Request): string | undefined {
  return ids.get(req);
}

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is a plain token, else a new
 * UUID; answered in `X-Request-Id`, named in an internal error's body and log line, so that a
 * caller's report finds its log entry.
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const offered = req.get(REQUEST_ID_HEADER);
    const id = offered !== undefined && CALLER_ID.test(offered) ? offered : randomUUID();
    ids.set(req, id);
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}
