import { isIP } from 'node:net';
import { HostNotAllowedError } from '@tta/core';
import type { RequestHandler } from 'express';

// The names of this machine a local client uses; 127.0.0.1 and [::1] are addresses, always let in.
const LOOPBACK_NAMES: readonly string[] = ['localhost'];

/** The host of a `Host` header, lower case, without port, brackets or final dot. */
export function hostOf(header: string): string {
  const value = header.trim().toLowerCase();
  const host = value.startsWith('[')
    ? value.slice(1, value.indexOf(']') > 0 ? value.indexOf(']') : undefined)
    : value.replace(/:\d*$/, '');
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * Whether a request naming `header` in its `Host` may be answered, given config
 * `api.allowedHosts`: no header (HTTP/1.0), an IP address (a DNS rebinding needs a name), a
 * loopback name, `*` in the list, a listed name, or a subdomain of a listed `*.domain`.
 */
export function isAllowedHost(header: string | undefined, allowed: readonly string[]): boolean {
  if (header === undefined) return true;
  const host = hostOf(header);
  if (isIP(host) !== 0 || LOOPBACK_NAMES.includes(host)) return true;
  return allowed.some((entry) => {
    if (entry === '*') return true;
    const name = hostOf(entry);
    return name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name;
  });
}

/**
 * Refuses, before authentication, a request whose `Host` the API does not answer to
 * ({@link isAllowedHost}): 421 `host_not_allowed`. A web page that got its name to resolve to
 * this machine (DNS rebinding) sends its own name, so it never reaches a route.
 */
export function allowedHostsGuard(allowed: readonly string[]): RequestHandler {
  if (allowed.includes('*')) return (_req, _res, next) => next();
  return (req, _res, next) => {
    const header = req.headers.host;
    if (isAllowedHost(header, allowed)) next();
    else next(new HostNotAllowedError(String(header).slice(0, 255)));
  };
}
