import { ValidationError } from '@tta/core';
import { withIdempotencyHeader } from '../../src/http/with-idempotency-header';

describe('withIdempotencyHeader', () => {
  const body = { capability: 'input.parse', input: { text: 'x' } };

  it('sets the key from the header', () => {
    expect(withIdempotencyHeader(body, 'k1')).toEqual({ ...body, idempotencyKey: 'k1' });
    expect(body).not.toHaveProperty('idempotencyKey');
  });

  it('leaves the body as it is without a header, or with the same key in both', () => {
    expect(withIdempotencyHeader(body, undefined)).toBe(body);
    const keyed = { ...body, idempotencyKey: 'k1' };
    expect(withIdempotencyHeader(keyed, 'k1')).toBe(keyed);
  });

  it('refuses different keys in the header and the body, naming idempotencyKey', () => {
    const call = () => withIdempotencyHeader({ ...body, idempotencyKey: 'k2' }, 'k1');
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/invalid idempotencyKey/);
  });

  it('leaves a body that is not an object to validation', () => {
    expect(withIdempotencyHeader(undefined, 'k1')).toBeUndefined();
    expect(withIdempotencyHeader([1], 'k1')).toEqual([1]);
  });
});
