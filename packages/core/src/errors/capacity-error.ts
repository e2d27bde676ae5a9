import { AppError } from './app-error';

/**
 * New work refused because Redis is short of memory: above the configured share of its
 * `maxmemory`, or out of memory (`OOM command not allowed`). Nothing was written; heartbeats,
 * cancels and reads go on in the headroom. Distinct from {@link RedisUnavailableError}.
 */
export class CapacityError extends AppError {
  /** Whole seconds after which the caller may try again. */
  readonly retryAfterSeconds: number;

  constructor(options: { retryAfterSeconds?: number; memoryRatio?: number; cause?: unknown } = {}) {
    const { retryAfterSeconds = 5, memoryRatio, cause } = options;
    super('capacity', 'the system is at capacity (Redis memory); nothing was written, try again', {
      details: {
        retryAfterSeconds,
        ...(memoryRatio !== undefined && { memoryRatio: Math.round(memoryRatio * 1000) / 1000 }),
      },
      cause,
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
