import type { ApiKeyRateLimit } from '@tta/core';
import type { ApiScope } from '@tta/contracts';
import type { Request } from 'express';

/** Who sent a request, as authentication found out. Never the key itself. */
export interface ApiCaller {
  /** The id of the key presented (or of the key that logged in); `anonymous` while auth is off. */
  keyId: string;
  /** What the caller may do. */
  scopes: readonly ApiScope[];
  /** `key`: a key in a header; `session`: the admin-session cookie; `open`: auth is off. */
  via: 'key' | 'session' | 'open';
  /** The id of the admin session the request came with, when `via` is `session`. */
  sessionId?: string;
  /** The key's own rate limit, over config `rateLimit`. */
  rateLimit?: Readonly<ApiKeyRateLimit>;
}

const callers = new WeakMap<Request, ApiCaller>();

/** The caller of a request that authentication let through; `undefined` before, or on public routes. */
export function callerOf(req: Request): ApiCaller | undefined {
  return callers.get(req);
}

/** Records who sent `req`. */
export function setCaller(req: Request, caller: ApiCaller): void {
  callers.set(req, caller);
}
