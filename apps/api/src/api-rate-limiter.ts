import { toError, type ApiKeyRateLimit, type Logger } from '@tta/core';
import type { Redis } from 'ioredis';
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

/**
 * Counts requests per subject (an API key's id) in Redis with rate-limiter-flexible, so every
 * API instance on the same Redis and prefix shares the counts. When Redis fails, the request
 * is let through unlimited and a warning is logged (at most one per `warnIntervalMs`): an
 * outage of the limiter must not turn every request into an error.
 */
export class ApiRateLimiter {
  private readonly redis: Redis;
  private readonly options: Required<Omit<ApiRateLimiterOptions, 'logger'>> &
    Pick<ApiRateLimiterOptions, 'logger'>;
  private readonly limiters = new Map<string, RateLimiterRedis>();
  private lastWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(redis: Redis, options: ApiRateLimiterOptions) {
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
    const limiter = this.limiterFor(points, windowSeconds);
    const decide = (res: RateLimiterRes, allowed: boolean): RateLimitDecision => ({
      allowed,
      limit: points,
      remaining: res.remainingPoints,
      resetMs: res.msBeforeNext,
      windowSeconds,
    });
    try {
      return decide(await limiter.consume(subject), true);
    } catch (err) {
      if (err instanceof RateLimiterRes) return decide(err, false);
      this.warn(err);
      return undefined;
    }
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
