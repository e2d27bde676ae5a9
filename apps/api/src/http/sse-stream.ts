import type { ServerResponse } from 'node:http';

/** Options of {@link SseStream}. */
export interface SseStreamOptions {
  /** Interval of the `: heartbeat` comment line that keeps proxies from closing an idle stream. */
  heartbeatMs: number;
}

/** The headers of every event stream; `X-Accel-Buffering` keeps nginx from buffering it. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
});

/**
 * One server-sent event stream on an HTTP response: each event gets the next `id:` (from 1),
 * its `event:` name and one `data:` line of JSON; a comment line goes out every heartbeat.
 */
export class SseStream {
  private nextId = 1;
  private heartbeat?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseStreamOptions,
  ) {}

  /** Sends the status line and headers at once and starts the heartbeat. */
  open(): void {
    this.res.writeHead(200, SSE_HEADERS);
    this.res.flushHeaders();
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), this.options.heartbeatMs);
  }

  /** Sends one event. Does nothing once the stream ended. */
  send(event: string, data: unknown): void {
    this.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`);
  }

  /** Stops the heartbeat and ends the response. Safe to call twice. */
  end(): void {
    clearInterval(this.heartbeat);
    if (this.ended) return;
    this.ended = true;
    this.res.end();
  }

  private write(chunk: string): void {
    if (!this.ended && !this.res.destroyed) this.res.write(chunk);
  }
}
