import { AppError } from './app-error';

/** An LLM provider's circuit breaker is open: calls fail fast until it lets a trial call through. */
export class ProviderUnavailableError extends AppError {
  /** Milliseconds until the breaker lets a trial call through. */
  readonly retryInMs: number;

  constructor(provider: string, retryInMs: number) {
    super(
      'provider_unavailable',
      `LLM provider '${provider}' is unavailable after repeated failures; next trial in ${Math.ceil(retryInMs / 1000)} s`,
      { details: { provider, retryInMs } },
    );
    this.retryInMs = retryInMs;
  }
}
