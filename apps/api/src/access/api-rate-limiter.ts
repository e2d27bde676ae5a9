import { toError, type ApiKeyRateLimit, type Logger, type RedisClient } from '@tta/core';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Options of {@link ApiRateLimiter}. */
export interface ApiRateLimiterOptions {
  /** Prefix of the counters' keys in Redis, under the deployment's prefix: `{tta}:rate-limit`. */
  keyPrefix: string;
  /** Requests allowed per subject and window. Default: 100. */
  points?: number;
  /** Length of the window, in seconds. Default: 1. */
  durationSeconds?: number;
  /** Receives a warning when Redis fails and requests pass unlimited. Default: none. */
  logger?: Logger;
  /** Least time between two such warnings. Default: 10,000 ms. */
  warnIntervalMs?: number;
}

/** The outcome of one request against its subject's limit. */
export interface RateLimitDecision {
  /** Whether the request is within the limit. */
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window. */
  remaining: number;
  /** Time until the current window ends. */
  resetMs: number;
  /** Length of the window, in seconds. */
  windowSeconds: number;
}

/** Requests of one subject this instance may admit without asking Redis, until `endsAt`. */
interface Lease {
  /** Tokens reserved in Redis and not spent yet. */
  tokens: number;
  /** What Redis had left for every instance after the reservation. */
  othersRemaining: number;
  /** End of the window (epoch ms): the tokens and the count expire with it. */
  endsAt: number;
  /** Whether the window is spent: refuse until `endsAt` without asking Redis. */
  refused: boolean;
}

/**
 * Counts requests per subject (an API key's id) in Redis with rate-limiter-flexible, so every
 * API instance on the same Redis and prefix shares the counts. To spare a round trip per
 * request, an instance reserves tokens in small leases (a 50th of the limit, 1 to 100 tokens;
 * one at a time below 100 requests a window, so small limits are exact) and admits requests
 * from its lease; a window known to be spent is refused without asking Redis until it ends.
 * Admission never exceeds the limit; an instance's unspent lease can refuse another instance
 * a little early, by at most a lease. When Redis fails, the request is let through unlimited
 * and a warning is logged (at most one per `warnIntervalMs`): an outage of the limiter must
 * not turn every request into an error.
 */
export class ApiRateLimiter {
  private readonly redis: RedisClient;
  private readonly options: Required<Omit<ApiRateLimiterOptions, 'logger'>> &
    Pick<ApiRateLimiterOptions, 'logger'>;
  private readonly limiters = new Map<string, RateLimiterRedis>();
  private readonly leases = new Map<string, Lease>();
  private readonly reserving = new Map<
    string,
    { lease: Promise<Lease | undefined>; waiters: number }
  >();
  private lastWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(redis: RedisClient, options: ApiRateLimiterOptions) {
    this.redis = redis;
    this.options = {
      points: 100,
      durationSeconds: 1,
      warnIntervalMs: 10_000,
      ...options,
    };
  }

  /**
   * Counts one request of `subject` under its own limit `own` (over the defaults). Resolves
   * `undefined` when Redis could not count it: the caller lets the request through.
   */
  async consume(
    subject: string,
    own: ApiKeyRateLimit = {},
  ): Promise<RateLimitDecision | undefined> {
    const points = own.points ?? this.options.points;
    const windowSeconds = own.durationSeconds ?? this.options.durationSeconds;
    const id = `${points}/${windowSeconds}:${subject}`;
    // Another request may spend a shared lease first; a few rounds always find a token or a no.
    for (let round = 0; ; round += 1) {
      const lease = this.current(id) ?? (await this.reserve(id, subject, points, windowSeconds));
      if (!lease) return undefined;
      const now = Date.now();
      if (now >= lease.endsAt) continue;
      const decision = { limit: points, resetMs: lease.endsAt - now, windowSeconds };
      if (lease.refused) return { ...decision, allowed: false, remaining: 0 };
      // Several requests may wait on one reservation: the first ones spend it, the rest reserve again.
      if (lease.tokens === 0 && round < 8) continue;
      if (lease.tokens === 0) return { ...decision, allowed: false, remaining: 0 };
      lease.tokens -= 1;
      return { ...decision, allowed: true, remaining: lease.othersRemaining + lease.tokens };
    }
  }

  /**
   * Counts `cost` requests of `subject` at once (the tasks of a batch), all or none: from this
   * instance's lease when it holds enough, else the rest straight from Redis; a cost larger than
   * what is left of the window is refused whole and takes nothing. Resolves `undefined` when
   * Redis could not count it: the caller lets it through.
   */
  async consumeMany(
    subject: string,
    cost: number,
    own: ApiKeyRateLimit = {},
  ): Promise<RateLimitDecision | undefined> {
    if (cost <= 1) return this.consume(subject, own);
    const points = own.points ?? this.options.points;
    const windowSeconds = own.durationSeconds ?? this.options.durationSeconds;
    const lease = this.current(`${points}/${windowSeconds}:${subject}`);
    const decision = (allowed: boolean, remaining: number, resetMs: number) => ({
      allowed,
      limit: points,
      remaining,
      resetMs,
      windowSeconds,
    });
    if (lease?.refused) return decision(false, 0, lease.endsAt - Date.now());
    // The lease's tokens are taken before the round trip, so that no other request spends them.
    const held = Math.min(lease?.tokens ?? 0, cost);
    if (lease) lease.tokens -= held;
    if (held === cost && lease) {
      return decision(true, lease.othersRemaining + lease.tokens, lease.endsAt - Date.now());
    }
    const limiter = this.limiterFor(points, windowSeconds);
    try {
      const res = await limiter.consume(subject, cost - held);
      return decision(true, Math.max(0, res.remainingPoints), Math.max(1, res.msBeforeNext));
    } catch (err) {
      if (lease) lease.tokens += held;
      if (!(err instanceof RateLimiterRes)) {
        this.warn(err);
        return undefined;
      }
      // The counter went up by the whole cost: give it back, so that smaller requests still fit.
      void limiter.reward(subject, cost - held).catch((e) => this.warn(e));
      const left = Math.max(0, points - (err.consumedPoints - (cost - held)));
      return decision(false, left + (lease?.tokens ?? 0), Math.max(1, err.msBeforeNext));
    }
  }

  private current(id: string): Lease | undefined {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    if (Date.now() < lease.endsAt && (lease.refused || lease.tokens > 0)) return lease;
    this.leases.delete(id);
    return undefined;
  }

  // Concurrent requests share a reservation while its lease can serve them all; past that
  // they reserve on their own, so a small limit's requests are not serialised.
  private async reserve(
    id: string,
    subject: string,
    points: number,
    windowSeconds: number,
  ): Promise<Lease | undefined> {
    const size = leaseSize(points);
    const pending = this.reserving.get(id);
    if (pending && pending.waiters < size) {
      pending.waiters += 1;
      return pending.lease;
    }
    const lease = this.reserveFromRedis(subject, points, windowSeconds, size).then((fresh) =>
      fresh ? this.keep(id, fresh) : undefined,
    );
    const reservation = { lease, waiters: 1 };
    this.reserving.set(id, reservation);
    try {
      return await lease;
    } finally {
      if (this.reserving.get(id) === reservation) this.reserving.delete(id);
    }
  }

  // Adds a fresh reservation to the lease of the same window, if one is still held.
  private keep(id: string, fresh: Lease): Lease {
    const held = this.leases.get(id);
    if (held && !held.refused && !fresh.refused && Date.now() < held.endsAt) {
      held.tokens += fresh.tokens;
      held.othersRemaining = Math.min(held.othersRemaining, fresh.othersRemaining);
      return held;
    }
    this.leases.set(id, fresh);
    return fresh;
  }

  private async reserveFromRedis(
    subject: string,
    points: number,
    windowSeconds: number,
    size: number,
  ): Promise<Lease | undefined> {
    const limiter = this.limiterFor(points, windowSeconds);
    let res: RateLimiterRes;
    let granted = size;
    try {
      res = await limiter.consume(subject, size);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) {
        this.warn(err);
        return undefined;
      }
      res = err;
      // The counter went up by the whole lease: keep what was left of the window, give back the rest.
      granted = Math.max(0, Math.min(size, points - (res.consumedPoints - size)));
      if (granted > 0) void limiter.reward(subject, size - granted).catch((e) => this.warn(e));
    }
    return {
      tokens: granted,
      othersRemaining: Math.max(0, res.remainingPoints),
      endsAt: Date.now() + Math.max(1, res.msBeforeNext),
      refused: granted === 0,
    };
  }

  // One limiter per distinct limit; every one counts under the same key prefix.
  private limiterFor(points: number, durationSeconds: number): RateLimiterRedis {
    const id = `${points}/${durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: this.options.keyPrefix,
        points,
        duration: durationSeconds,
        rejectIfRedisNotReady: true,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnedAt < this.options.warnIntervalMs) return;
    this.lastWarnedAt = now;
    this.options.logger?.warn('rate limiter cannot reach Redis: requests pass unlimited', {
      error: toError(err).message,
    });
  }
}

/** Tokens one reservation takes: a 50th of the limit, 1 to 100. */
function leaseSize(points: number): number {
  return Math.min(100, Math.max(1, Math.floor(points / 50)));
}
