import { AppError } from './app-error';

/**
 * Too many failed authentications came from the client's address in the current window
 * (config `auth.failedAttempts`): its requests that need a key are refused until it ends.
 */
export class AuthRateLimitedError extends AppError {
  /** Whole seconds until the address may try again. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(
      'auth_rate_limited',
      `too many failed authentications from this address; retry in ${retryAfterSeconds} s`,
      { details: { retryAfterSeconds } },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
