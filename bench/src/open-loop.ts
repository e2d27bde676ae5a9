import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from './node-child';

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  /** Operations started per second. */
  ratePerSec: number;
  /** How many operations in all. */
  total: number;
  /** Starts operation `i`; not awaited, so a slow answer never delays the next start. */
  send: (i: number) => void;
}

/**
 * Open-loop load: operation `i` starts at `i / ratePerSec` seconds whatever the earlier ones
 * are doing (a late tick starts every operation that is due). Resolves once all have started,
 * with how far behind schedule the last one started (ms).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<number> {
  const t0 = performance.now();
  let i = 0;
  while (i < options.total) {
    const due = Math.min(
      options.total,
      Math.floor(((performance.now() - t0) * options.ratePerSec) / 1000) + 1,
    );
    while (i < due) options.send(i++);
    if (i < options.total) {
      const nextAt = t0 + (i * 1000) / options.ratePerSec;
      await sleep(Math.max(0, nextAt - performance.now()));
    }
  }
  return performance.now() - t0 - ((options.total - 1) * 1000) / options.ratePerSec;
}

/** The answer to one POST. */
export interface JsonAnswer {
  status: number;
  /** When its status line arrived (epoch ms, sub-millisecond). */
  receivedAt: number;
  /** When the request was sent (epoch ms, sub-millisecond). */
  sentAt: number;
  body: unknown;
}

/** POSTs JSON bodies over a pool of keep-alive connections. */
export class JsonPoster {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
    maxSockets = 256,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /** POSTs `body` to `path`. */
  post(path: string, body: unknown): Promise<JsonAnswer> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const sentAt = performance.timeOrigin + performance.now();
      const req = request(
        `${this.baseUrl}${path}`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            ...this.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const receivedAt = performance.timeOrigin + performance.now();
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text) as unknown;
            } catch {
              // not JSON: kept as text
            }
            resolve({ status: res.statusCode ?? 0, receivedAt, sentAt, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Closes its connections. */
  close(): void {
    this.agent.destroy();
  }
}
