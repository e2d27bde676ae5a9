import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { toError } from '../errors/to-error';

/** Options of {@link startDiagnosticsServer}. */
export interface DiagnosticsServerOptions {
  /** Port; 0 picks a free one. */
  port: number;
  /** Interface (config `diagnostics.host`). Default: `'127.0.0.1'`, this machine only. */
  host?: string;
  /** Served at `/metrics`. */
  metrics: Registry;
  /**
   * When set (config `diagnostics.token`), `/metrics` answers only a request with
   * `Authorization: Bearer <token>`, others get 401; `/healthz` stays open. Default: none.
   */
  token?: string;
  /** Served at `/healthz`: 200 when `ok`, else 503, with the details as JSON. */
  health: () => { ok: boolean } & Record<string, unknown>;
}

/** A running diagnostics server. */
export interface DiagnosticsServer {
  /** The interface it listens on. */
  host: string;
  /** The port it listens on. */
  port: number;
  close(): Promise<void>;
}

/**
 * The small HTTP server of workers and the supervisor: `/metrics` (Prometheus, behind the
 * bearer token when one is set) and `/healthz`. Plain `node:http`, so that worker processes
 * never load express. It listens on loopback unless told otherwise.
 */
export async function startDiagnosticsServer(
  options: DiagnosticsServerOptions,
): Promise<DiagnosticsServer> {
  const token = options.token ? digest(options.token) : undefined;
  const server: Server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (req.method === 'GET' && url === '/metrics') {
      if (!authorized(req, token)) {
        refuse(res);
        return;
      }
      options.metrics.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.metrics.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (req.method === 'GET' && url === '/healthz') {
      let health: { ok: boolean } & Record<string, unknown>;
      try {
        health = options.health();
      } catch (err) {
        health = { ok: false, error: toError(err).message };
      }
      res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: health.ok ? 'ok' : 'unhealthy', ...health }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    host: (server.address() as AddressInfo).address,
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

// Compared as digests in constant time: the answer's timing tells nothing of the token.
function authorized(req: IncomingMessage, token: Buffer | undefined): boolean {
  if (token === undefined) return true;
  const presented = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), token);
}

function refuse(res: ServerResponse): void {
  res.writeHead(401, {
    'content-type': 'application/json',
    'www-authenticate': 'Bearer realm="tta-diagnostics"',
  });
  res.end(
    JSON.stringify({
      error: { code: 'unauthenticated', message: 'a bearer token is needed for /metrics' },
    }),
  );
}
