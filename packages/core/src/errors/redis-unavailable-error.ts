import { AppError } from './app-error';

/** Redis did not answer; nothing was written. */
export class RedisUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('redis_unavailable', 'Redis is unavailable; nothing was written, try again', { cause });
  }
}
