import { AppError } from '@tta/core';
import express, { type RequestHandler } from 'express';

/** Options of {@link jsonBody}. */
export interface JsonBodyOptions {
  /** Largest body accepted; a larger one is refused with 413 `payload_too_large`. */
  limitBytes: number;
}

const JSON_TYPE = 'application/json';

/**
 * Parses JSON request bodies. A request that carries a body of any other content type is
 * refused with 415 `unsupported_media_type`; a request without a body passes with
 * `req.body` undefined, so validation names what is missing.
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    // type-is counts `Content-Length: 0` as a body; an empty one has no type to check.
    if (req.is(JSON_TYPE) === false && req.get('content-length') !== '0') {
      const received = (req.get('content-type') ?? '').slice(0, 100);
      next(
        new AppError('unsupported_media_type', `content type must be ${JSON_TYPE}`, {
          details: { expected: JSON_TYPE, received },
        }),
      );
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit: options.limitBytes, type: JSON_TYPE, strict: true })];
}
