/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default: 10,000 ms. */
  timeoutMs?: number;
  /** Time between checks. Default: 25 ms. */
  intervalMs?: number;
  /** Shown in the timeout error. */
  what?: string;
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, for conditions that
 * have no event to wait on (another process's state). Throws after the timeout.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${options.what ?? 'condition'}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/** Resolves with the first emission of `event` on `emitter`, or rejects after a timeout. */
export function once<T = unknown>(
  emitter: { once(event: string, listener: (...args: unknown[]) => void): unknown },
  event: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for '${event}'`)),
      timeoutMs,
    );
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args[0] as T);
    });
  });
}
