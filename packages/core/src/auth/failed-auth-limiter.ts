/** Options of {@link FailedAuthLimiter}. */
export interface FailedAuthLimiterOptions {
  /** Failures allowed per address and window; past them the address is blocked. 0: no limit. Default: 20. */
  maxFailures?: number;
  /** Length of the window, counted from an address's first failure in it, in ms. Default: 60,000. */
  windowMs?: number;
  /** Most addresses tracked at once; past it the oldest window is forgotten. Default: 100,000. */
  maxAddresses?: number;
  /** The clock, in epoch ms. Default: `Date.now`. */
  now?: () => number;
}

interface FailureWindow {
  startedAt: number;
  failures: number;
}

/**
 * Counts failed authentications per client address in fixed windows, in this process's memory:
 * once an address has failed `maxFailures` times in its window, it is blocked until the window
 * ends, whatever key it presents next (else a correct guess would still pass at full speed).
 * Memory stays bounded: at most `maxAddresses` windows, the oldest forgotten first.
 */
export class FailedAuthLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  // In order of their start: the first entries are the first to expire.
  private readonly windows = new Map<string, FailureWindow>();

  constructor(options: FailedAuthLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxAddresses = options.maxAddresses ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether the limiter counts at all (`maxFailures` above 0). */
  get enabled(): boolean {
    return this.maxFailures > 0;
  }

  /** Time until `address` may authenticate again, in ms; 0 when it may now. */
  blockedForMs(address: string): number {
    if (!this.enabled) return 0;
    const window = this.current(address);
    if (!window || window.failures < this.maxFailures) return 0;
    return window.startedAt + this.windowMs - this.now();
  }

  /** Counts one failed authentication of `address`. */
  recordFailure(address: string): void {
    if (!this.enabled) return;
    const window = this.current(address);
    if (window) {
      window.failures += 1;
      return;
    }
    this.forgetExpired();
    if (this.windows.size >= this.maxAddresses) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
    this.windows.set(address, { startedAt: this.now(), failures: 1 });
  }

  private current(address: string): FailureWindow | undefined {
    const window = this.windows.get(address);
    if (window && this.now() < window.startedAt + this.windowMs) return window;
    if (window) this.windows.delete(address);
    return undefined;
  }

  private forgetExpired(): void {
    const horizon = this.now() - this.windowMs;
    for (const [address, window] of this.windows) {
      if (window.startedAt > horizon) return;
      this.windows.delete(address);
    }
  }
}
