import { isIP } from 'node:net';
import type { Request } from 'express';

// Headers by which a proxy tells the address it forwards for.
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/** Whether `address` is a loopback address: 127.0.0.0/8, `::1`, or `::ffff:127.x.y.z`. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * The address a request comes from: the connection's, or the one config `api.trustProxy` lets a
 * proxy forward (`req.ip`).
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Whether a request comes straight from a client on this machine: a loopback connection that
 * carries no proxy's forwarding header. Through a proxy, even a local one, the client may be
 * anywhere, so such a request never counts as loopback, trusted proxy or not.
 */
export function isDirectLoopbackClient(req: Request): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  return FORWARDING_HEADERS.every((name) => req.headers[name] === undefined);
}
