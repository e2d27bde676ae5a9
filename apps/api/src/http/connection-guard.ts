import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@tta/core';
import { isLoopbackAddress } from '../access/client-address';

/** Options of {@link ConnectionGuard}. */
export interface ConnectionGuardOptions {
  /** Most connections open at once; 0: {@link defaultMaxConnections}. */
  maxConnections: number;
  /** Most connections open at once from one address but loopback; 0: no limit. */
  maxConnectionsPerAddress: number;
  /** Time a connection may wait for its request headers (from its start, or its last answer). */
  headersTimeoutMs: number;
  /** Time a request may take to arrive whole, headers and body (not the answer). */
  requestTimeoutMs: number;
  /** Hears, at most once per `warnIntervalMs`, how many connections were closed and why. */
  logger?: Logger;
  /** Least time between two warnings. Default: 10,000 ms. */
  warnIntervalMs?: number;
}

/** What the guard did so far. */
export interface ConnectionGuardStats {
  /** Connections open now. */
  open: number;
  /** Connections closed at once: their address held its most. */
  refusedPerAddress: number;
  /** Connections closed at once: every open connection was busy. */
  refusedFull: number;
  /** Idle connections closed to make room for a new one. */
  evicted: number;
  /** Connections closed for sending their headers or their body too slowly. */
  timedOut: number;
}

const AUTO_MAX_CONNECTIONS = 10_000;

/**
 * Connections the API keeps at most when config leaves it to the API: 80 % of the process's
 * limit of open files (from `/proc/self/limits`), so that sockets never take the last file
 * descriptors (Redis, logs, accept itself), and no more than 10,000; 10,000 where the limit
 * cannot be read.
 */
export function defaultMaxConnections(limitsFile = '/proc/self/limits'): number {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return AUTO_MAX_CONNECTIONS;
  }
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  if (soft === undefined) return AUTO_MAX_CONNECTIONS;
  return Math.max(1, Math.min(AUTO_MAX_CONNECTIONS, Math.floor(Number(soft) * 0.8)));
}

/**
 * Bounds the connections of an HTTP server. A connection from an address that already holds
 * `maxConnectionsPerAddress` is closed at once; loopback addresses are exempt (a client on this
 * machine, such as a local proxy through which every client comes, or the bench). At `maxConnections`, a new connection closes
 * the oldest idle one (no request under way: a client still sending its headers, or a
 * kept-alive one), so that a flood of slow clients cannot lock out the next request; when
 * every connection is busy, the new one is closed. (Node's own `maxConnections` would refuse
 * the newcomer, and a flood would keep the server full.) A connection idle for longer than
 * `headersTimeoutMs` and a request whose body is still arriving after `requestTimeoutMs` are
 * closed too; Node's timeouts of the same name do so as well, this makes sure of it.
 */
export class ConnectionGuard {
  /** What the guard did so far. */
  readonly stats: ConnectionGuardStats = {
    open: 0,
    refusedPerAddress: 0,
    refusedFull: 0,
    evicted: 0,
    timedOut: 0,
  };
  private readonly max: number;
  private readonly byAddress = new Map<string, number>();
  // Every open socket with its address; idle ones by the time they became idle, oldest first;
  // a busy one counts its requests under way.
  private readonly addresses = new Map<Socket, string>();
  private readonly idleSince = new Map<Socket, number>();
  private readonly busy = new Map<Socket, number>();
  private readonly sweeper: NodeJS.Timeout;
  private lastWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    server: Server,
    private readonly options: ConnectionGuardOptions,
  ) {
    this.max = options.maxConnections > 0 ? options.maxConnections : defaultMaxConnections();
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.track(req, res));
    const every = Math.min(1000, options.headersTimeoutMs);
    this.sweeper = setInterval(() => this.closeSlowClients(), every).unref();
    server.once('close', () => clearInterval(this.sweeper));
  }

  private admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const held = this.byAddress.get(address) ?? 0;
    const perAddress = this.options.maxConnectionsPerAddress;
    let refused: 'refusedPerAddress' | 'refusedFull' | undefined;
    if (perAddress > 0 && held >= perAddress && !isLoopbackAddress(address)) {
      refused = 'refusedPerAddress';
    }
    if (!refused && this.addresses.size >= this.max && !this.evictOldestIdle()) {
      refused = 'refusedFull';
    }
    if (refused !== undefined) {
      this.stats[refused] += 1;
      socket.destroy();
      this.warn();
      return;
    }
    this.byAddress.set(address, held + 1);
    this.addresses.set(socket, address);
    this.idleSince.set(socket, Date.now());
    this.stats.open = this.addresses.size;
    socket.once('close', () => this.forget(socket));
  }

  private track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    if (!this.addresses.has(socket)) return;
    const waitedMs = Date.now() - (this.idleSince.get(socket) ?? Date.now());
    this.idleSince.delete(socket);
    this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
    // Only the request's arrival is bounded: once it is whole, the answer may take its time.
    const deadline = setTimeout(
      () => {
        if (req.complete) return;
        this.stats.timedOut += 1;
        socket.destroy();
        this.warn();
      },
      Math.max(0, this.options.requestTimeoutMs - waitedMs),
    ).unref();
    res.once('close', () => {
      clearTimeout(deadline);
      const left = (this.busy.get(socket) ?? 1) - 1;
      if (left > 0) this.busy.set(socket, left);
      else if (this.busy.delete(socket) && this.addresses.has(socket)) {
        this.idleSince.set(socket, Date.now());
      }
    });
  }

  private forget(socket: Socket): void {
    const address = this.addresses.get(socket);
    if (address === undefined) return;
    this.addresses.delete(socket);
    this.idleSince.delete(socket);
    this.busy.delete(socket);
    this.stats.open = this.addresses.size;
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }

  private evictOldestIdle(): boolean {
    const oldest = this.idleSince.keys().next();
    if (oldest.done) return false;
    this.forget(oldest.value);
    oldest.value.destroy();
    this.stats.evicted += 1;
    this.warn();
    return true;
  }

  // Idle sockets are in the order they became idle: stop at the first one still in time.
  private closeSlowClients(): void {
    const horizon = Date.now() - this.options.headersTimeoutMs;
    for (const [socket, since] of this.idleSince) {
      if (since > horizon) return;
      this.forget(socket);
      socket.destroy();
      this.stats.timedOut += 1;
      this.warn();
    }
  }

  private warn(): void {
    const now = Date.now();
    if (!this.options.logger || now - this.lastWarnedAt < (this.options.warnIntervalMs ?? 10_000)) {
      return;
    }
    this.lastWarnedAt = now;
    this.options.logger.warn('connection limits: closing connections', { ...this.stats });
  }
}
