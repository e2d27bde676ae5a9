import { ADMISSION_ERROR_STATUS } from '@tta/contracts';
import { AppError, toError, type Logger } from '@tta/core';
import type { ErrorRequestHandler } from 'express';
import { requestIdOf } from './request-id';

/** HTTP status of each error code the API answers with; any other code is a 500. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = Object.freeze({
  invalid_input: 400,
  invalid_json: 400,
  invalid_body: 400,
  unauthenticated: 401,
  forbidden: 403,
  model_not_allowed: 403,
  tool_denied: 403,
  not_found: 404,
  idempotency_conflict: 409,
  version_conflict: 409,
  task_finished: 409,
  task_exists: 409,
  review_conflict: 409,
  session_erasing: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  host_not_allowed: 421,
  unknown_capability: 422,
  unknown_requirements: 422,
  unknown_workflow: 422,
  invalid_policy: 422,
  rate_limited: 429,
  auth_rate_limited: 429,
  too_many_streams: 429,
  budget_exceeded: 429,
  llm_request_failed: 502,
  no_live_agent: 503,
  provider_unavailable: 503,
  redis_unavailable: 503,
  shutting_down: 503,
  tool_timeout: 504,
  ...ADMISSION_ERROR_STATUS,
});

/** The JSON body of every error answer. */
export interface ErrorBody {
  /** `requestId`: on an internal error, the id its log line carries. */
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** What the API answers for an error. */
export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** Whether the error is a fault of the API (a 500) rather than of the request or of Redis. */
  internal: boolean;
}

const INTERNAL: ErrorResponse = {
  status: 500,
  body: { error: { code: 'internal_error', message: 'internal error' } },
  internal: true,
};

/**
 * The answer to any thrown value: an {@link AppError} with a known code keeps its code, message
 * and details; body-parser errors become `invalid_json`, `payload_too_large`, `invalid_body` (a
 * body that does not decompress) and the like; a path parameter that does not percent-decode is
 * `invalid_input`; everything else is a generic 500 `internal_error` that reveals nothing of
 * the cause (a bug is never answered as a Redis outage: see `redisFailure`).
 */
export function toErrorResponse(thrown: unknown): ErrorResponse {
  const error =
    thrown instanceof AppError
      ? thrown
      : (fromBodyParserError(thrown) ??
        fromUnreadableBodyError(thrown) ??
        fromMalformedPathError(thrown));
  const status = error ? STATUS_BY_CODE[error.code] : undefined;
  if (!error || status === undefined) return INTERNAL;
  const body: ErrorBody = { error: { code: error.code, message: error.message } };
  if (error.details !== undefined) body.error.details = error.details;
  return { status, body, internal: false };
}

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  /** Receives internal errors, with their stack. */
  logger: Logger;
}

/** The one middleware that turns errors into JSON answers; register it last. */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (thrown: unknown, req, res, next) => {
    if (res.headersSent) {
      next(thrown);
      return;
    }
    const response = toErrorResponse(thrown);
    let body = response.body;
    if (response.internal) {
      const error = toError(thrown);
      const requestId = requestIdOf(req);
      options.logger.error('request failed', {
        method: req.method,
        path: req.path,
        error: error.message,
        stack: error.stack,
        ...(requestId !== undefined && { requestId }),
      });
      if (requestId !== undefined) body = { error: { ...body.error, requestId } };
    }
    const retryAfter = retryAfterOf(thrown) ?? (response.status === 503 ? 1 : undefined);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(response.status).json(body);
  };
}

// Whole seconds an error asks the caller to wait (capacity, waiting limits), if it says.
function retryAfterOf(thrown: unknown): number | undefined {
  if (!(thrown instanceof AppError)) return undefined;
  const seconds = (thrown as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : undefined;
}

// The router throws a URIError tagged with status 400 for a path parameter whose percent-encoding
// does not decode (`/v1/tasks/%E0%A4%A`): the request is bad, not the API.
function fromMalformedPathError(thrown: unknown): AppError | undefined {
  if (!(thrown instanceof URIError) || (thrown as { status?: unknown }).status !== 400) {
    return undefined;
  }
  return new AppError('invalid_input', 'the URL path is not valid percent-encoded UTF-8', {
    cause: thrown,
  });
}

interface BodyParserError {
  type: string;
  limit?: number;
  charset?: string;
  encoding?: string;
}

function isBodyParserError(thrown: unknown): thrown is BodyParserError {
  return (
    thrown instanceof Error &&
    typeof (thrown as Partial<BodyParserError>).type === 'string' &&
    typeof (thrown as { status?: unknown }).status === 'number'
  );
}

// express.json() reports its failures as http-errors tagged with a `type`.
function fromBodyParserError(thrown: unknown): AppError | undefined {
  if (!isBodyParserError(thrown)) return undefined;
  switch (thrown.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json', 'request body is not valid JSON', { cause: thrown });
    case 'entity.too.large':
      return new AppError(
        'payload_too_large',
        `request body is larger than ${thrown.limit ?? 'the limit of'} bytes`,
        { details: { limitBytes: thrown.limit }, cause: thrown },
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(
        'unsupported_media_type',
        `unsupported ${thrown.type === 'charset.unsupported' ? 'charset' : 'content encoding'} '${thrown.charset ?? thrown.encoding ?? ''}'`,
        { cause: thrown },
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('invalid_body', 'request body was incomplete', { cause: thrown });
    default:
      return undefined;
  }
}

// body-parser passes on a failure of its own reading untyped, as a 400 http-error: a body that
// its Content-Encoding (gzip, deflate, br) does not decompress.
function fromUnreadableBodyError(thrown: unknown): AppError | undefined {
  const { status, expose } = (thrown ?? {}) as { status?: unknown; expose?: unknown };
  if (!(thrown instanceof Error) || status !== 400 || expose !== true) return undefined;
  return new AppError('invalid_body', `request body could not be read: ${thrown.message}`, {
    cause: thrown,
  });
}
