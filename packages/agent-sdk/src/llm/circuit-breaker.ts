import { ProviderUnavailableError } from '@tta/core';

/** `closed`: calls go through; `open`: they fail fast; `half-open`: trial calls go through. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** What the breaker guards, named in its errors. Default: `provider`. */
  name?: string;
  /** Consecutive failures that open the breaker. Default: 5. */
  failureThreshold?: number;
  /** How long the breaker stays open before it lets trial calls through. Default: 60,000 ms. */
  openMs?: number;
  /** Trial calls let through at once while half-open. Default: 1. */
  halfOpenMaxCalls?: number;
  /**
   * Whether an error counts as a failure of what is guarded; others (a caller's abort, a
   * request the provider refused) neither open nor close the breaker. Default: every error.
   */
  isFailure?: (error: unknown) => boolean;
  /** Called on each change of state. Default: none. */
  onStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

/** {@link CircuitBreakerOptions} with defaults filled in. */
export type ResolvedCircuitBreakerOptions = Required<Omit<CircuitBreakerOptions, 'onStateChange'>> &
  Pick<CircuitBreakerOptions, 'onStateChange'>;

/** Fills defaults and checks values; throws a `TypeError` at once on a bad one. */
export function resolveCircuitBreakerOptions(
  options: CircuitBreakerOptions = {},
): ResolvedCircuitBreakerOptions {
  const resolved = {
    ...options,
    name: options.name ?? 'provider',
    failureThreshold: options.failureThreshold ?? 5,
    openMs: options.openMs ?? 60_000,
    halfOpenMaxCalls: options.halfOpenMaxCalls ?? 1,
    isFailure: options.isFailure ?? (() => true),
  };
  for (const key of ['failureThreshold', 'openMs', 'halfOpenMaxCalls'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) {
      throw new TypeError(`CircuitBreaker: ${key} must be a positive integer`);
    }
  }
  return resolved;
}

/**
 * Stops calling what keeps failing: after `failureThreshold` consecutive failures the breaker
 * opens and calls fail fast with `ProviderUnavailableError` for `openMs`; then up to
 * `halfOpenMaxCalls` trial calls go through at once: a success closes the breaker, a failure
 * opens it again.
 */
export class CircuitBreaker {
  private readonly options: ResolvedCircuitBreakerOptions;
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trials = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    this.options = resolveCircuitBreakerOptions(options);
  }

  /** The state now: an open breaker whose `openMs` has passed reads `half-open`. */
  get state(): CircuitState {
    if (this.current === 'open' && Date.now() - this.openedAt >= this.options.openMs) {
      return 'half-open';
    }
    return this.current;
  }

  /** Runs `work` unless the breaker is open (or its trial calls are all taken); counts its outcome. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const state = this.state;
    if (
      state === 'open' ||
      (state === 'half-open' && this.trials >= this.options.halfOpenMaxCalls)
    ) {
      const retryInMs = this.openedAt + this.options.openMs - Date.now();
      throw new ProviderUnavailableError(this.options.name, Math.max(0, retryInMs));
    }
    const trial = state === 'half-open';
    if (trial) {
      this.setState('half-open');
      this.trials += 1;
    }
    try {
      const value = await work();
      this.succeeded();
      return value;
    } catch (err) {
      if (this.options.isFailure(err)) this.failed();
      throw err;
    } finally {
      if (trial) this.trials -= 1;
    }
  }

  private succeeded(): void {
    if (this.current === 'open') return;
    this.failures = 0;
    this.setState('closed');
  }

  // A failure of a call that started before the breaker opened changes nothing more.
  private failed(): void {
    if (this.current === 'open') return;
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.openedAt = Date.now();
      this.setState('open');
    }
  }

  private setState(next: CircuitState): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.options.onStateChange?.(next, previous);
  }
}
