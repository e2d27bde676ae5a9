/** Options of {@link RestartBackoff}. */
export interface RestartBackoffOptions {
  /** First delay before restarting a crashed process; doubles per consecutive crash. Default: 500 ms. */
  backoffMs?: number;
  /** Longest restart delay; a process that ran longer than this before crashing starts over. Default: 30,000 ms. */
  maxBackoffMs?: number;
  /** Most restarts within `windowMs`. Default: 5. */
  limit?: number;
  /** Window of `limit`. Default: 60,000 ms. */
  windowMs?: number;
}

/** {@link RestartBackoffOptions} with their defaults filled in. */
export type ResolvedRestartBackoffOptions = Required<RestartBackoffOptions>;

/** Fills the defaults of {@link RestartBackoffOptions}; throws at once on a bad value. */
export function resolveRestartBackoffOptions(
  options: RestartBackoffOptions = {},
): ResolvedRestartBackoffOptions {
  const resolved = {
    backoffMs: options.backoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    limit: options.limit ?? 5,
    windowMs: options.windowMs ?? 60_000,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 1) {
      throw new TypeError(`RestartBackoff: ${name} must be a positive number, got ${value}`);
    }
  }
  return resolved;
}

/** When to restart a process that crashed. */
export interface RestartDecision {
  /** How long to wait before the restart. */
  delayMs: number;
  /**
   * The process crashed `limit` times within the window already: the delay has been stretched
   * to the end of the window (a caller that would rather give up does so).
   */
  limitReached: boolean;
  /** Crashes within the window, this one included. */
  crashesInWindow: number;
}

/**
 * The restart policy of a crashing process, shared by the supervisor's local executor (its
 * workers) and `npm start` (the API and the supervisor): exponential backoff from `backoffMs`
 * up to `maxBackoffMs` per consecutive crash, starting over after a run longer than
 * `maxBackoffMs`, and at most `limit` restarts per `windowMs`.
 */
export class RestartBackoff {
  private readonly options: ResolvedRestartBackoffOptions;
  private restarts: number[] = [];
  private consecutive = 0;

  constructor(options: RestartBackoffOptions = {}) {
    this.options = resolveRestartBackoffOptions(options);
  }

  /** The restart policy's settings. */
  get settings(): Readonly<ResolvedRestartBackoffOptions> {
    return this.options;
  }

  /** Records a crash of a process started at `startedAt` (epoch ms) and decides its restart. */
  crashed(startedAt: number, now = Date.now()): RestartDecision {
    const { backoffMs, maxBackoffMs, limit, windowMs } = this.options;
    if (now - startedAt > maxBackoffMs) this.consecutive = 0;
    this.consecutive += 1;
    this.restarts = this.restarts.filter((t) => now - t < windowMs);
    let delayMs = Math.min(backoffMs * 2 ** (this.consecutive - 1), maxBackoffMs);
    const limitReached = this.restarts.length >= limit;
    if (limitReached) {
      const oldest = this.restarts[0] ?? now;
      delayMs = Math.max(delayMs, oldest + windowMs - now);
    }
    this.restarts.push(now + delayMs);
    return { delayMs, limitReached, crashesInWindow: this.restarts.length };
  }
}
