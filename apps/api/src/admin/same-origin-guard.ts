import { CrossSiteRequestError } from '@tta/core';
import type { RequestHandler } from 'express';

/** The parts of a request that {@link crossSiteOrigin} looks at. */
export interface RequestOrigin {
  /** The HTTP method. */
  method: string;
  /** The `Host` header: host and port the browser addressed. */
  host: string | undefined;
  /** The `Origin` header. */
  origin: string | undefined;
  /** The `Referer` header, looked at when there is no `Origin`. */
  referer: string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The origin a state-changing request came from when that is another site, else `undefined`.
 * Safe methods always pass. The `Origin` header decides (`null`, sent from sandboxed or opaque
 * contexts, counts as another site); without it the `Referer`; a request with neither passes:
 * browsers send `Origin` with every cross-origin POST, PUT, PATCH and DELETE, so such a request
 * comes from a client that is not a browser, which authenticates with a key header that no other
 * site can make a browser send.
 */
export function crossSiteOrigin(request: RequestOrigin): string | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const source = request.origin ?? request.referer;
  if (source === undefined) return undefined;
  let host: string;
  try {
    host = new URL(source).host;
  } catch {
    return source;
  }
  return host !== '' && host === request.host ? undefined : source;
}

/**
 * Refuses state-changing requests from other sites with 403 `forbidden` (protection against
 * cross-site request forgery, next to the `SameSite=Strict` admin session cookie): the request's
 * `Origin` (or `Referer`) must name the host the request was sent to.
 */
export function sameOriginGuard(): RequestHandler {
  return (req, _res, next) => {
    const offending = crossSiteOrigin({
      method: req.method,
      host: req.get('host'),
      origin: req.get('origin'),
      referer: req.get('referer'),
    });
    next(offending === undefined ? undefined : new CrossSiteRequestError(offending));
  };
}
