import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { toError } from '../errors/to-error';

/** Options of {@link startDiagnosticsServer}. */
export interface DiagnosticsServerOptions {
  /** Port; 0 picks a free one. */
  port: number;
  /** Interface. Default: `'0.0.0.0'`. */
  host?: string;
  /** Served at `/metrics`. */
  metrics: Registry;
  /** Served at `/healthz`: 200 when `ok`, else 503, with the details as JSON. */
  health: () => { ok: boolean } & Record<string, unknown>;
}

/** A running diagnostics server. */
export interface DiagnosticsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The small HTTP server of workers and the supervisor: `/metrics` (Prometheus) and `/healthz`.
 * Plain `node:http`, so that worker processes never load express.
 */
export async function startDiagnosticsServer(
  options: DiagnosticsServerOptions,
): Promise<DiagnosticsServer> {
  const server: Server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (req.method === 'GET' && url === '/metrics') {
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
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
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
