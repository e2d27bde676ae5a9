import { AppError } from './app-error';

/** The caller sent more requests than its rate limit allows in the current window. */
export class RateLimitedError extends AppError {
  /** Whole seconds until the caller may send again. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('rate_limited', `rate limit exceeded; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
