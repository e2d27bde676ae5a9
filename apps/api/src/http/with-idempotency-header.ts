import { ValidationError } from '@tta/core';

/**
 * A task request body with the `Idempotency-Key` header's value as its `idempotencyKey`.
 * A body that names the same key, or no header, leaves the body as it is; a body that names a
 * different key is refused with a ValidationError naming `idempotencyKey`. A body that is not
 * a JSON object is left to validation, which names what is wrong with it.
 */
export function withIdempotencyHeader(body: unknown, header: string | undefined): unknown {
  if (header === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return body;
  }
  const named = (body as { idempotencyKey?: unknown }).idempotencyKey;
  if (named === undefined) return { ...body, idempotencyKey: header };
  if (named !== header) {
    throw new ValidationError([
      { path: 'idempotencyKey', message: 'differs from the Idempotency-Key header' },
    ]);
  }
  return body;
}
