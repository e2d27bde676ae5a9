import type { ApiKeyRateLimit, OwnerScope } from '@tta/core';
import type { ApiScope } from '@tta/contracts';
import type { Request } from 'express';

/** Who sent a request, as authentication found out. Never the key itself. */
export interface ApiCaller {
  /** The id of the key presented (or of the key that logged in); `anonymous` while auth is off. */
  keyId: string;
  /** Whose data the caller works on: its key's owner; `anonymous` while auth is off. */
  owner: string;
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

/**
 * Whose data `req` may read, cancel, retry or delete: its owner's only, or every owner's for a
 * caller with `admin` (and while auth is off).
 */
export function readScopeOf(req: Request): OwnerScope {
  const caller = callerOf(req);
  if (!caller || caller.scopes.includes('admin')) return {};
  return { owner: caller.owner };
}

/** The owner of what `req` creates (tasks, runs): its caller's, an admin's included. */
export function createScopeOf(req: Request): OwnerScope {
  const caller = callerOf(req);
  return caller ? { owner: caller.owner } : {};
}
