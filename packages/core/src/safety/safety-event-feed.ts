import { Redis } from 'ioredis';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { RedisClient } from '../redis/redis-connection';
import type { SafetyAuditEntry, SafetyEvent } from './safety-event';
import type { SafetyEventStore } from './safety-event-store';

/** What a subscriber of {@link SafetyEventFeed} receives: an audit entry and the event as it now reads. */
export interface SafetyFeedItem {
  entry: SafetyAuditEntry;
  /** The event as it reads after the entry (absent when it is gone). */
  event?: SafetyEvent;
}

type Listener = (item: SafetyFeedItem) => void;

interface Subscriber {
  listener: Listener;
  onEnd?: () => void;
}

/** Compares two stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}

/**
 * The live feed of the safety audit stream for the API's event streams: one blocking reader
 * (on its own connection) while anyone listens, fanned out to every subscriber. A subscriber
 * that gives the last id it saw (`Last-Event-ID`) first gets what it missed, then the live
 * entries, without gaps or repeats.
 */
export class SafetyEventFeed {
  private readonly subscribers = new Set<Subscriber>();
  private reader?: RedisClient;
  private loop?: Promise<void>;
  private position = '0-0';
  private closed = false;

  constructor(
    private readonly connection: RedisClient,
    private readonly store: SafetyEventStore,
    private readonly logger?: Logger,
  ) {}

  /**
   * Calls `listener` with every entry after `after` (a stream id; none: only entries added
   * from now on), and `onEnd` when the feed closes. Answers the function that unsubscribes.
   */
  async subscribe(listener: Listener, after?: string, onEnd?: () => void): Promise<() => void> {
    const tail = await this.tailId();
    let last = after ?? tail;
    const buffered: SafetyFeedItem[] = [];
    let live = false;
    const deliver = (item: SafetyFeedItem) => {
      if (compareStreamIds(item.entry.id, last) <= 0) return;
      last = item.entry.id;
      listener(item);
    };
    const subscriber: Subscriber = {
      listener: (item) => (live ? deliver(item) : buffered.push(item)),
      ...(onEnd && { onEnd }),
    };
    this.subscribers.add(subscriber);
    this.start(tail);
    try {
      for (;;) {
        const page = await this.store.audit({ after: last, count: 200 });
        for (const entry of page) deliver(await this.withEvent(entry));
        if (page.length < 200) break;
      }
      buffered.forEach(deliver);
      live = true;
    } catch (err) {
      this.subscribers.delete(subscriber);
      throw err;
    }
    return () => this.subscribers.delete(subscriber);
  }

  /** Stops reading. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const ending = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of ending) subscriber.onEnd?.();
    const reader = this.reader;
    this.reader = undefined;
    reader?.disconnect();
    await this.loop;
  }

  // The id of the newest entry of the stream (`0-0` when it is empty).
  private async tailId(): Promise<string> {
    const newest = await this.connection.xrevrange(this.store.auditKey, '+', '-', 'COUNT', 1);
    return newest[0]?.[0] ?? '0-0';
  }

  private start(from: string): void {
    if (this.loop || this.closed) return;
    this.position = from;
    // Blocking reads wait for Redis rather than failing at once, unlike the producer's commands.
    const reader: RedisClient =
      this.connection instanceof Redis
        ? new Redis({
            ...this.connection.options,
            enableOfflineQueue: true,
            maxRetriesPerRequest: null,
          })
        : this.connection.duplicate();
    reader.on('error', () => undefined);
    this.reader = reader;
    this.loop = this.read(reader).finally(() => (this.loop = undefined));
  }

  private async read(reader: RedisClient): Promise<void> {
    while (!this.closed && this.subscribers.size > 0) {
      try {
        const reply = await reader.xread(
          'BLOCK',
          5000,
          'STREAMS',
          this.store.auditKey,
          this.position,
        );
        for (const [, rows] of reply ?? []) {
          for (const [id, fields] of rows) {
            this.position = id;
            const item = await this.withEvent(this.store.parseAuditEntry(id, fields));
            for (const subscriber of this.subscribers) subscriber.listener(item);
          }
        }
      } catch (err) {
        if (this.closed) return;
        this.logger?.warn('safety feed read failed', { error: toError(err).message });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    if (this.reader === reader) this.reader = undefined;
    reader.disconnect();
  }

  private async withEvent(entry: SafetyAuditEntry): Promise<SafetyFeedItem> {
    try {
      return { entry, event: await this.store.get(entry.eventId) };
    } catch {
      return { entry };
    }
  }
}
