/** Options of {@link AppError}. */
export interface AppErrorOptions {
  /** Structured details for the caller (field paths, limits). Never secrets. */
  details?: unknown;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Base of every error this project throws on purpose. `code` is stable and machine-readable;
 * the HTTP layer maps it to a status.
 */
export class AppError extends Error {
  readonly code: string;
  readonly details?: unknown;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
  }
}
