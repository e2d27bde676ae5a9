import { QueueEvents, QueueKeys } from 'bullmq';
import { RedisUnavailableError } from '../errors/redis-unavailable-error';
import { redisFailure } from '../errors/redis-failure';
import { ShuttingDownError } from '../errors/shutting-down-error';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import { closeRedis, type RedisClient } from '../redis/redis-connection';

/** Something that happened to one job, as its queue's event log tells it. */
export type JobEvent =
  /** A worker took the job (again, on a retry or after a stall). */
  | { name: 'active'; jobId: string; eventId: string }
  /** The job reported progress (`job.updateProgress(data)`). */
  | { name: 'progress'; jobId: string; eventId: string; data: unknown }
  /** The job completed with `returnvalue`. */
  | { name: 'completed'; jobId: string; eventId: string; returnvalue: unknown }
  /** The job failed for good (no attempt left, or unrecoverable). */
  | { name: 'failed'; jobId: string; eventId: string; failedReason: string }
  /** The job was removed from its queue (e.g. cancelled while pending). */
  | { name: 'removed'; jobId: string; eventId: string }
  /** The stream is closing: no event follows. `eventId` is empty. */
  | { name: 'closed'; jobId: string; eventId: '' };

/** Receives the events of one job. It must not throw; a throw is logged and ignored. */
export type JobEventListener = (event: JobEvent) => void;

/** Ends one subscription. Safe to call twice. */
export type Unsubscribe = () => void;

/** Options of {@link JobEventStream}. */
export interface JobEventStreamOptions {
  /**
   * A worker-role connection (`maxRetriesPerRequest: null`). Each queue's listener blocks on
   * its own duplicate of it, which the stream closes; the stream reads where each queue's
   * event log ends on this one, which it does not close.
   */
  connection: RedisClient;
  /** Key names of the deployment (the BullMQ prefix of its control shard). */
  names: QueueNames;
  /**
   * The shards of the deployment: a job's events are read on the shard its id names (a job id
   * that names none, on the control shard). Default: the one shard of `names`.
   */
  shards?: QueueShards;
  /** Receives listener and connection errors. Default: none. */
  logger?: Logger;
  /** How long one blocking read of an event log waits before it is issued again. Default: 10,000 ms. */
  blockingTimeoutMs?: number;
}

interface QueueTap {
  /** The queue's name. */
  queue: string;
  /** The shard of the queue. */
  shard: QueueNames;
  /** Settles once the queue's events are read from a point no earlier than its creation. */
  ready: Promise<void>;
  events?: QueueEvents;
  connection?: RedisClient;
  /** Job id to its listeners. */
  subscribers: Map<string, Set<JobEventListener>>;
}

/**
 * The events of single jobs, for any number of subscribers in one process. One BullMQ
 * `QueueEvents` per queue of a shard, on its own blocking connection, is opened on the first
 * subscription to a job of that queue and shared by every later one; it stays open until
 * {@link JobEventStream.close}. A subscription hears every event of its job written after
 * {@link JobEventStream.subscribe} was called, so a caller that subscribes first and reads the
 * job's state second misses nothing (it may hear an event its read already reflects).
 */
export class JobEventStream {
  /** By shard prefix and queue name. */
  private readonly taps = new Map<string, QueueTap>();
  private readonly shards: QueueShards;
  private closing?: Promise<void>;

  constructor(private readonly options: JobEventStreamOptions) {
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
  }

  /**
   * Calls `listener` with every later event of job `jobId` of queue `queue`. Resolves, with the
   * function that ends the subscription, once the point from which the queue's event log is
   * read is fixed (no later than this call): every event written after it reaches `listener`.
   * Throws {@link RedisUnavailableError} when the queue's listener cannot start because Redis
   * is down, {@link ShuttingDownError} once the stream is closing.
   */
  async subscribe(queue: string, jobId: string, listener: JobEventListener): Promise<Unsubscribe> {
    if (this.closing) throw new ShuttingDownError('the job event stream');
    const tap = this.tap(queue, this.shards.forId(jobId) ?? this.shards.control);
    const listeners = tap.subscribers.get(jobId) ?? new Set<JobEventListener>();
    tap.subscribers.set(jobId, listeners.add(listener));
    const unsubscribe = () => {
      listeners.delete(listener);
      if (listeners.size === 0 && tap.subscribers.get(jobId) === listeners) {
        tap.subscribers.delete(jobId);
      }
    };
    try {
      await tap.ready;
    } catch (err) {
      unsubscribe();
      throw err;
    }
    return unsubscribe;
  }

  /** Subscriptions open now, in one queue (on every shard) or in all. */
  subscriberCount(queue?: string): number {
    let count = 0;
    for (const tap of this.taps.values()) {
      if (queue !== undefined && tap.queue !== queue) continue;
      for (const listeners of tap.subscribers.values()) count += listeners.size;
    }
    return count;
  }

  /** Queues whose events are being read now (on one shard or more). */
  queues(): string[] {
    return [...new Set([...this.taps.values()].map((tap) => tap.queue))];
  }

  /**
   * Tells every subscriber `closed`, then closes each queue's listener and its connection.
   * Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= this.closeTaps();
    return this.closing;
  }

  private async closeTaps(): Promise<void> {
    const taps = [...this.taps.values()];
    this.taps.clear();
    for (const tap of taps) {
      for (const [jobId, listeners] of tap.subscribers) {
        this.dispatch(listeners, { name: 'closed', jobId, eventId: '' });
      }
      tap.subscribers.clear();
    }
    await Promise.all(taps.map((tap) => this.closeTap(tap)));
  }

  private async closeTap(tap: QueueTap): Promise<void> {
    await tap.ready.catch(() => undefined);
    try {
      await tap.events?.close();
    } catch (err) {
      this.options.logger?.warn('closing queue events failed', { error: toError(err).message });
    }
    try {
      if (tap.connection) await closeRedis(tap.connection);
    } catch (err) {
      this.options.logger?.warn('closing queue events connection failed', {
        error: toError(err).message,
      });
    }
  }

  private tap(queue: string, shard: QueueNames): QueueTap {
    const key = `${shard.prefix}:${queue}`;
    const existing = this.taps.get(key);
    if (existing) return existing;
    const tap: QueueTap = { queue, shard, ready: Promise.resolve(), subscribers: new Map() };
    tap.ready = this.open(queue, tap);
    // A listener that could not start is forgotten, so that the next subscription tries again.
    tap.ready.catch(() => {
      if (this.taps.get(key) === tap) this.taps.delete(key);
    });
    this.taps.set(key, tap);
    return tap;
  }

  // Reading on from the log's current end, rather than from `$` when the first blocking read
  // happens to be sent, is what guarantees a subscriber every event after its subscription.
  private async open(queue: string, tap: QueueTap): Promise<void> {
    const { connection, logger } = this.options;
    if (connection.status !== 'ready') throw new RedisUnavailableError();
    let lastEventId: string;
    try {
      const [tail] = await connection.xrevrange(
        new QueueKeys(tap.shard.prefix).toKey(queue, 'events'),
        '+',
        '-',
        'COUNT',
        1,
      );
      lastEventId = tail?.[0] ?? '0-0';
    } catch (err) {
      throw redisFailure(err, connection);
    }
    if (this.closing) throw new ShuttingDownError('the job event stream');
    tap.connection = connection.duplicate();
    tap.connection.on('error', (err: Error) =>
      logger?.warn('queue events connection error', { queue, error: err.message }),
    );
    tap.events = new QueueEvents(queue, {
      connection: tap.connection,
      prefix: tap.shard.prefix,
      lastEventId,
      blockingTimeout: this.options.blockingTimeoutMs ?? 10_000,
    });
    this.listen(queue, tap, tap.events);
  }

  private listen(queue: string, tap: QueueTap, events: QueueEvents): void {
    const send = (event: JobEvent) => {
      const listeners = tap.subscribers.get(event.jobId);
      if (listeners) this.dispatch(listeners, event);
    };
    events.on('active', ({ jobId }, eventId) => send({ name: 'active', jobId, eventId }));
    events.on('progress', ({ jobId, data }, eventId) =>
      send({ name: 'progress', jobId, eventId, data }),
    );
    events.on('completed', ({ jobId, returnvalue }, eventId) =>
      send({ name: 'completed', jobId, eventId, returnvalue }),
    );
    events.on('failed', ({ jobId, failedReason }, eventId) =>
      send({ name: 'failed', jobId, eventId, failedReason }),
    );
    events.on('removed', ({ jobId }, eventId) => send({ name: 'removed', jobId, eventId }));
    events.on('error', (err: Error) =>
      this.options.logger?.warn('queue events error', { queue, error: err.message }),
    );
  }

  private dispatch(listeners: Set<JobEventListener>, event: JobEvent): void {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.options.logger?.error('job event listener failed', {
          event: event.name,
          jobId: event.jobId,
          error: toError(err).message,
        });
      }
    }
  }
}
