import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Interface to listen on, e.g. `0.0.0.0`. */
  host: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
}

/** Starts an HTTP server for `app`; resolves once it listens, rejects if it cannot. */
export function listen(app: RequestListener, options: ListenOptions): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
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
