import { AppError } from './app-error';

/** Options of {@link LlmRequestError}. */
export interface LlmRequestErrorOptions {
  /** HTTP status of the provider's answer, when there was one. */
  status?: number;
  /** Whether trying again may succeed: 429, 5xx, timeouts and network errors. */
  retryable: boolean;
  /** How long the provider asked to wait (its `Retry-After`), in milliseconds. */
  retryAfterMs?: number;
  /** The error that caused this one. */
  cause?: unknown;
}

/** An LLM provider's request failed: a network error, a timeout, an error status or a bad answer. */
export class LlmRequestError extends AppError {
  /** HTTP status of the provider's answer, when there was one. */
  readonly status?: number;
  /** Whether trying again may succeed (429, 5xx, timeouts, network errors). */
  readonly retryable: boolean;
  /** How long the provider asked to wait before the next try, in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, options: LlmRequestErrorOptions) {
    super('llm_request_failed', message, {
      details: options.status === undefined ? undefined : { status: options.status },
      cause: options.cause,
    });
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
