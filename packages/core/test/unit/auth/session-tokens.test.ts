import { SessionTokens } from '@tta/core';

const secret = 'a-test-secret-that-is-long-enough-0123456789';
const now = 1_700_000_000_000;

describe('SessionTokens', () => {
  const tokens = new SessionTokens({ secret, ttlMs: 60_000 });

  it('gives back the key id of a token it issued, until it expires', () => {
    const { token, expiresAt } = tokens.issue('ops', now);
    expect(expiresAt).toBe(now + 60_000);
    expect(token.startsWith(`ops.${expiresAt}.`)).toBe(true);
    expect(tokens.verify(token, now)).toBe('ops');
    expect(tokens.verify(token, now + 59_999)).toBe('ops');
    expect(tokens.verify(token, now + 60_000)).toBeUndefined();
  });

  it('refuses a token whose key id, expiry or signature was changed', () => {
    const { token } = tokens.issue('reader', now);
    const [keyId, expiry, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(tokens.verify(`ops.${expiry}.${signature}`, now)).toBeUndefined();
    expect(
      tokens.verify(`${keyId}.${Number(expiry) + 3_600_000}.${signature}`, now),
    ).toBeUndefined();
    expect(tokens.verify(`${keyId}.${expiry}.${flipped}`, now)).toBeUndefined();
    expect(tokens.verify(`${keyId}.${expiry}`, now)).toBeUndefined();
    expect(tokens.verify('', now)).toBeUndefined();
  });

  it('refuses a token signed with another secret', () => {
    const other = new SessionTokens({ secret: `${secret}-other`, ttlMs: 60_000 });
    expect(tokens.verify(other.issue('ops', now).token, now)).toBeUndefined();
  });

  it('refuses an empty secret', () => {
    expect(() => new SessionTokens({ secret: '' })).toThrow('must not be empty');
  });
});
