import { TooManyStreamsError } from '@tta/core';
import type { RequestHandler } from 'express';
import { callerOf } from '../access/api-caller';
import { clientAddress } from '../access/client-address';

/** Options of {@link EventStreamSlots}. */
export interface EventStreamSlotsOptions {
  /** Most streams open at once (config `api.maxEventStreams`). Default: 5,000. */
  maxStreams?: number;
  /** Most streams one holder keeps open at once (config `api.maxEventStreamsPerKey`). Default: 1,000. */
  maxStreamsPerHolder?: number;
  /** What a refusal's `Retry-After` says, in seconds. Default: 5. */
  retryAfterSeconds?: number;
}

/** Releases a slot; safe to call twice. */
export type ReleaseSlot = () => void;

/**
 * Counts the event streams this API instance holds open, in total and per holder (an API key),
 * so that neither one caller nor all of them together can hold every connection with streams.
 */
export class EventStreamSlots {
  private readonly maxStreams: number;
  private readonly maxStreamsPerHolder: number;
  private readonly retryAfterSeconds: number;
  private readonly byHolder = new Map<string, number>();
  private total = 0;

  constructor(options: EventStreamSlotsOptions = {}) {
    this.maxStreams = options.maxStreams ?? 5000;
    this.maxStreamsPerHolder = options.maxStreamsPerHolder ?? 1000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }

  /** Streams open now. */
  get open(): number {
    return this.total;
  }

  /** Takes a slot for `holder`, or throws {@link TooManyStreamsError} when a limit is reached. */
  acquire(holder: string): ReleaseSlot {
    const held = this.byHolder.get(holder) ?? 0;
    if (held >= this.maxStreamsPerHolder) {
      throw new TooManyStreamsError('key', this.maxStreamsPerHolder, this.retryAfterSeconds);
    }
    if (this.total >= this.maxStreams) {
      throw new TooManyStreamsError('total', this.maxStreams, this.retryAfterSeconds);
    }
    this.byHolder.set(holder, held + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.byHolder.get(holder) ?? 1) - 1;
      if (left > 0) this.byHolder.set(holder, left);
      else this.byHolder.delete(holder);
    };
  }
}

/**
 * Admits a request for an event stream (`isEventStream`) only with a free slot: held by its
 * caller's key (by client address while auth is off) until the response closes. Refused: 429
 * `too_many_streams` with `Retry-After`. Runs after authentication, so a refused caller takes
 * no slot.
 */
export function eventStreamAdmission(
  slots: EventStreamSlots,
  isEventStream: (method: string, path: string) => boolean,
): RequestHandler {
  return (req, res, next) => {
    if (!isEventStream(req.method, req.path)) {
      next();
      return;
    }
    const caller = callerOf(req);
    const holder =
      caller && caller.via !== 'open' ? `key:${caller.keyId}` : `ip:${clientAddress(req)}`;
    let release: ReleaseSlot;
    try {
      release = slots.acquire(holder);
    } catch (err) {
      if (err instanceof TooManyStreamsError) {
        res.set('Retry-After', String(err.retryAfterSeconds));
      }
      next(err);
      return;
    }
    res.once('close', release);
    next();
  };
}
