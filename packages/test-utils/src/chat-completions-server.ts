import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat-completions request as the server received it. */
export interface ChatRequestRecord {
  /** The JSON body: `model`, `messages`, `max_tokens`, `temperature`... */
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    max_tokens?: number;
    temperature?: number;
  };
  headers: IncomingHttpHeaders;
  /** Epoch ms of its arrival. */
  at: number;
}

/** What the server answers to one request. */
export interface ChatReply {
  /** Default: 200. */
  status?: number;
  /** Extra response headers (`retry-after`...). */
  headers?: Record<string, string>;
  /** JSON body (a string is sent as it is). Default: none. */
  body?: unknown;
  /** Wait this long before answering. Default: 0. */
  delayMs?: number;
}

/** Decides the answer to the request numbered `index` (from 0). */
export type ChatResponder = (request: ChatRequestRecord, index: number) => ChatReply;

/** A local server speaking the chat-completions protocol at `<baseUrl>/chat/completions`. */
export interface ChatCompletionsServer {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: ChatRequestRecord[];
  /** Replaces how the server answers. */
  respond(responder: ChatResponder): void;
  /** Stops the server, cutting off requests it still holds. */
  close(): Promise<void>;
}

/** A successful chat completion of `text` with the given token counts. */
export function chatCompletion(
  text: string,
  usage: { prompt: number; completion: number },
  model = 'test-model',
): ChatReply {
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    },
  };
}

const DEFAULT_RESPONDER: ChatResponder = (_request, index) =>
  chatCompletion(`reply ${index + 1}`, { prompt: 10, completion: 5 });

/** Starts a {@link ChatCompletionsServer} on a free port of 127.0.0.1. */
export async function startChatCompletionsServer(
  responder: ChatResponder = DEFAULT_RESPONDER,
): Promise<ChatCompletionsServer> {
  let respond = responder;
  const requests: ChatRequestRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const record: ChatRequestRecord = {
        body: JSON.parse(
          Buffer.concat(chunks).toString('utf8') || '{}',
        ) as ChatRequestRecord['body'],
        headers: req.headers,
        at: Date.now(),
      };
      requests.push(record);
      const reply = respond(record, requests.length - 1);
      const send = () => {
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res
          .writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
          .end(text);
      };
      if (!reply.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send();
      }, reply.delayMs);
      timers.add(timer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    respond(next) {
      respond = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
