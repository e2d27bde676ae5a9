import { AppError } from './app-error';

/** Which limit of open event streams a request met. */
export type StreamLimit = 'key' | 'total';

/**
 * An event stream was refused: its caller already holds config `api.maxEventStreamsPerKey`
 * streams, or the API instance holds `api.maxEventStreams`.
 */
export class TooManyStreamsError extends AppError {
  /** Whole seconds after which the caller may try again. */
  readonly retryAfterSeconds: number;

  constructor(limit: StreamLimit, max: number, retryAfterSeconds: number) {
    super(
      'too_many_streams',
      limit === 'key'
        ? `this API key already holds ${max} open event streams; close one or retry in ${retryAfterSeconds} s`
        : `the API holds its most open event streams (${max}); retry in ${retryAfterSeconds} s`,
      { details: { limit, max, retryAfterSeconds } },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
