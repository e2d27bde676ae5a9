import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tta/core';
import { ConnectionGuard, type ConnectionGuardStats } from './connection-guard';

/** Options of {@link listen}: config `api`'s listener settings. */
export interface ListenOptions {
  /** Interface to listen on, e.g. `127.0.0.1`. */
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Time a client has to send the request headers. Default: 10,000 ms. */
  headersTimeoutMs?: number;
  /** Time a client has to send the whole request (not the answer). Default: 30,000 ms. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default: 5,000 ms. */
  keepAliveTimeoutMs?: number;
  /** Most connections open at once; 0 picks one from the open-file limit. Default: 0. */
  maxConnections?: number;
  /** Most connections open at once from one address but loopback; 0: no limit. Default: 256. */
  maxConnectionsPerAddress?: number;
  /** Hears of connections closed by the limits. Default: none. */
  logger?: Logger;
}

/** The filled-in form of {@link ListenOptions}. */
export type ResolvedListenOptions = Required<Omit<ListenOptions, 'logger'>> &
  Pick<ListenOptions, 'logger'>;

/** {@link ListenOptions} with their defaults; throws when the request timeout is the shorter. */
export function resolveListenOptions(options: ListenOptions): ResolvedListenOptions {
  const resolved = {
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5000,
    maxConnections: 0,
    maxConnectionsPerAddress: 256,
    ...options,
  };
  if (resolved.requestTimeoutMs < resolved.headersTimeoutMs) {
    throw new RangeError('requestTimeoutMs must be at least headersTimeoutMs');
  }
  return resolved;
}

const guards = new WeakMap<Server, ConnectionGuardStats>();

/** What the connection limits of a server started by {@link listen} did so far. */
export function connectionStats(server: Server): ConnectionGuardStats | undefined {
  return guards.get(server);
}

/**
 * Starts an HTTP server for `app`; resolves once it listens, rejects if it cannot. Its timeouts
 * bound how long a client may take to send a request (headers, then the whole request; Node
 * checks them every second here, not every 30 s) but never the answer, so event streams stay
 * open; its connections are bounded in total and per address ({@link ConnectionGuard}).
 */
export function listen(app: RequestListener, options: ListenOptions): Promise<Server> {
  const o = resolveListenOptions(options);
  const server = createServer(
    {
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, o.headersTimeoutMs),
    },
    app,
  );
  const guard = new ConnectionGuard(server, {
    maxConnections: o.maxConnections,
    maxConnectionsPerAddress: o.maxConnectionsPerAddress,
    headersTimeoutMs: o.headersTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs,
    ...(o.logger && { logger: o.logger }),
  });
  guards.set(server, guard.stats);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The port a listening server is bound to. */
export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Stops accepting connections, drops idle keep-alive ones and resolves when all are closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
