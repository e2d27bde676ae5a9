import { AppError } from './app-error';

/** Configuration that does not validate. The message is one line naming the key. */
export class ConfigError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('invalid_config', message, { cause });
  }
}
