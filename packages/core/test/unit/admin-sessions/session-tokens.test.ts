import { isSessionId, SessionTokens } from '../../../src/admin-sessions/session-tokens';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('SessionTokens', () => {
  const tokens = new SessionTokens({ secret });

  it('issues a random 128-bit id and a token that names it', () => {
    const { id, token } = tokens.issue();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(token.startsWith(`${id}.`)).toBe(true);
    expect(tokens.verify(token)).toBe(id);
    expect(tokens.issue().id).not.toBe(id);
  });

  it('refuses a token whose id or signature was changed, or that is cut short', () => {
    const { token } = tokens.issue();
    const other = tokens.issue();
    const [id, signature] = token.split('.') as [string, string];
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(tokens.verify(`${other.id}.${signature}`)).toBeUndefined();
    expect(tokens.verify(`${id}.${flipped}`)).toBeUndefined();
    expect(tokens.verify(id)).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
  });

  it('refuses a token signed with another secret', () => {
    const elsewhere = new SessionTokens({ secret: `${secret}-other` });
    expect(tokens.verify(elsewhere.issue().token)).toBeUndefined();
  });

  it('refuses an empty secret', () => {
    expect(() => new SessionTokens({ secret: '' })).toThrow('must not be empty');
  });
});

describe('isSessionId', () => {
  it('accepts only the form of an issued id', () => {
    expect(isSessionId(new SessionTokens({ secret }).issue().id)).toBe(true);
    expect(isSessionId('short')).toBe(false);
    expect(isSessionId('a'.repeat(23))).toBe(false);
    expect(isSessionId(`${'a'.repeat(21)}/`)).toBe(false);
  });
});
