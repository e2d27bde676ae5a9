import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the local API received. */
export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON; `undefined` without one. */
  body: unknown;
}

/**
 * What the local API answers a request with: JSON or text; server-sent events (ids 1, 2...);
 * or a body of `chunks` of `contentType`, each sent on its own as it comes.
 */
export type LocalAnswer =
  | { status: number; json?: unknown; text?: string }
  | { status: number; events: Array<{ event: string; data: unknown }> }
  | {
      status: number;
      contentType: string;
      chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;
    };

/** Decides the answer to a request. */
export type LocalHandler = (req: ReceivedRequest) => LocalAnswer;

/** A small HTTP server standing in for the API: it records requests and answers as told. */
export interface LocalApi {
  /** Its base URL: `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request so far. */
  requests: ReceivedRequest[];
  /** Stops it, ending open connections. */
  close(): Promise<void>;
}

/** Starts a local API on a free port that answers every request with `handler`. */
export async function startLocalApi(handler: LocalHandler): Promise<LocalApi> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(received);
      answer(res, handler(received));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function answer(res: ServerResponse, reply: LocalAnswer): void {
  if ('chunks' in reply) {
    res.writeHead(reply.status, { 'content-type': reply.contentType });
    res.flushHeaders();
    void sendChunks(res, reply.chunks);
    return;
  }
  if ('events' in reply) {
    res.writeHead(reply.status, { 'content-type': 'text/event-stream' });
    res.write(': heartbeat\n\n');
    reply.events.forEach(({ event, data }, i) => {
      res.write(`id: ${i + 1}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    res.end();
    return;
  }
  if (reply.json !== undefined) {
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.json));
    return;
  }
  res.writeHead(reply.status, { 'content-type': 'text/plain' });
  res.end(reply.text ?? '');
}

// Each chunk in a write of its own, after the previous one has left, so they arrive apart.
async function sendChunks(
  res: ServerResponse,
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  for await (const chunk of chunks) {
    await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
  }
  res.end();
}
