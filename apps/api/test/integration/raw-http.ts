import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import os from 'node:os';

/** An IPv4 address of this machine that is not loopback, or `undefined` when it has none. */
export function nonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal)?.address;
}

/** Options of {@link send}. */
export interface SendOptions {
  method?: string;
  /** Address of the server. Default: 127.0.0.1. */
  host?: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
  /** Local address to connect from (any of 127.0.0.0/8 works on Linux). */
  localAddress?: string;
  body?: string;
}

/** An answer read whole. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed JSON body, or `undefined`. */
  json: unknown;
}

/** Sends one request on a fresh connection (no keep-alive) and reads the whole answer. */
export function send(options: SendOptions): Promise<Answer> {
  return exchange(options, true);
}

/**
 * Sends one request and resolves with its status line and headers (body `''`), then drops the
 * connection: for an answer that does not end, such as an event stream.
 */
export function statusOf(options: SendOptions): Promise<Answer> {
  return exchange(options, false);
}

function exchange(options: SendOptions, whole: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        method: options.method ?? 'GET',
        host: options.host ?? '127.0.0.1',
        port: options.port,
        path: options.path,
        headers: options.headers,
        agent: false,
        ...(options.localAddress !== undefined && { localAddress: options.localAddress }),
      },
      (res) => {
        if (!whole) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '', json: undefined });
          req.destroy();
          return;
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(body);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Opens a raw TCP connection and resolves once it is connected. A reset by the server later is
 * no error for the test: it watches `close`.
 */
export function openSocket(
  port: number,
  localAddress?: string,
  host = '127.0.0.1',
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ...(localAddress !== undefined && { localAddress }) });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Resolves with the time (ms since `since`) at which `socket` closes. */
export function closedAfter(socket: Socket, since = Date.now()): Promise<number> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(Date.now() - since);
    else socket.once('close', () => resolve(Date.now() - since));
  });
}

/** Closes a test server at once, whatever its connections are doing. */
export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
