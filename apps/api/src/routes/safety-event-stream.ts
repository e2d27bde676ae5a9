import { readScopeOf } from '../access/api-caller';
import { SafetyOwnerFilter } from './safety-owner-filter';
import { AUDIT_ENTRY_ID } from '@tta/contracts';
import {
  RedisUnavailableError,
  toError,
  type Logger,
  type RedisClient,
  type SafetyEventFeed,
  type SafetyEventStore,
} from '@tta/core';
import type { RequestHandler, Response } from 'express';
import { SSE_HEADERS } from '../http/sse-stream';

/** Options of {@link safetyEventStream}. */
export interface SafetyEventStreamOptions {
  /** The live feed of the safety audit stream. */
  safetyFeed: SafetyEventFeed;
  /** The events, to tell whose event an entry is about. */
  safetyEvents: SafetyEventStore;
  /** The producer connection: the stream is refused (503) while it is down. */
  redis: RedisClient;
  /** Where a failed subscription is reported. */
  logger: Logger;
  /** Interval of the heartbeat comment on the open stream, in ms. Default: 15,000. */
  sseHeartbeatMs?: number;
}

/**
 * The live feed of safety events, for `GET /v1/safety/events/stream` and the safety page's
 * `GET /admin/safety/stream`. Relays every entry of the safety audit stream as `event: safety`
 * (`id:` the entry's stream id, data `{ entry, event }`), from `Last-Event-ID` on when a client
 * reconnects. Once the feed is subscribed it sends one `event: ready`: whatever the client reads
 * after it is no older than what the stream sends next, so it misses nothing in between.
 */
export function safetyEventStream(options: SafetyEventStreamOptions): RequestHandler {
  return async (req, res) => {
    if (options.redis.status !== 'ready') throw new RedisUnavailableError();
    const lastEventId = req.get('last-event-id');
    const after =
      lastEventId !== undefined && AUDIT_ENTRY_ID.test(lastEventId) ? lastEventId : undefined;
    await relay(options, after, res, new SafetyOwnerFilter(options.safetyEvents, readScopeOf(req)));
  };
}

async function relay(
  options: SafetyEventStreamOptions,
  after: string | undefined,
  res: Response,
  filter: SafetyOwnerFilter,
): Promise<void> {
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  const write = (chunk: string) => {
    if (!res.destroyed && !res.writableEnded) res.write(chunk);
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.sseHeartbeatMs ?? 15_000);
  let unsubscribe: (() => void) | undefined;
  let relayed = Promise.resolve();
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe?.();
  });
  try {
    unsubscribe = await options.safetyFeed.subscribe(
      (item) => {
        // One entry after the other, so that a lookup of an event's owner keeps the order.
        relayed = relayed
          .then(async () => {
            if (!(await filter.keep(item.entry, item.event))) return;
            write(`id: ${item.entry.id}\nevent: safety\ndata: ${JSON.stringify(item)}\n\n`);
          })
          .catch((err: unknown) => {
            options.logger.warn('safety event stream: an entry could not be checked', {
              error: toError(err).message,
            });
          });
      },
      after,
      () => res.end(),
    );
  } catch (err) {
    options.logger.warn('safety event stream failed', { error: toError(err).message });
    clearInterval(heartbeat);
    res.end();
    return;
  }
  if (res.destroyed) unsubscribe();
  else write('event: ready\ndata: {}\n\n');
}
