/** One server-sent event. */
export interface ServerSentEvent {
  /** The event's name (`event:`); `message` when the server gave none. */
  event: string;
  /** The event's data: its `data:` lines joined, parsed as JSON when they are JSON. */
  data: unknown;
  /** The event's `id:`, when it had one. */
  id?: string;
}

/**
 * Turns the text of an event stream, in chunks of any size, into events, as the
 * `text/event-stream` format says: `field: value` lines, a blank line ends an event, lines
 * that start with `:` are comments (heartbeats) and are skipped.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id?: string;
  /** The last chunk ended with `\r`: a `\n` that starts the next one belongs to that line end. */
  private skipLf = false;

  /** Feeds one chunk; returns the events it completed. */
  push(chunk: string): ServerSentEvent[] {
    if (this.skipLf && chunk.length > 0) {
      this.skipLf = false;
      if (chunk.startsWith('\n')) chunk = chunk.slice(1);
    }
    this.buffer += chunk;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const end = this.buffer.search(/\r\n|\r|\n/);
      if (end < 0) break;
      const line = this.buffer.slice(0, end);
      const eol = this.buffer.startsWith('\r\n', end) ? 2 : 1;
      if (eol === 1 && end === this.buffer.length - 1 && this.buffer.endsWith('\r')) {
        this.skipLf = true;
      }
      this.buffer = this.buffer.slice(end + eol);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const { event, data } = this;
    this.event = '';
    this.data = [];
    if (data.length === 0) return undefined;
    const parsed: ServerSentEvent = { event: event || 'message', data: parseData(data.join('\n')) };
    if (this.id !== undefined) parsed.id = this.id;
    return parsed;
  }
}

function parseData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
