import { createHmac, timingSafeEqual } from 'node:crypto';

/** Options of {@link SessionTokens}. */
export interface SessionTokensOptions {
  /** The HMAC-SHA256 key that signs tokens (config `auth.sessionSecret`). */
  secret: string;
  /** How long an issued token is valid. Default: 28,800,000 ms (8 hours). */
  ttlMs?: number;
}

/** An issued session token and when it expires. */
export interface IssuedSession {
  /** `<keyId>.<expiresAtMs>.<signature>`, the signature base64url-encoded. */
  token: string;
  /** Epoch ms after which the token is refused. */
  expiresAt: number;
}

const TOKEN = /^([A-Za-z0-9_-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

/**
 * Signed admin-session tokens: HMAC-SHA256 over `<keyId>.<expiresAtMs>`. A token says which
 * API key logged in and until when; it holds no secret, and any change to it breaks the
 * signature. Signatures are compared in constant time.
 */
export class SessionTokens {
  private readonly secret: string;
  private readonly ttlMs: number;

  constructor(options: SessionTokensOptions) {
    if (options.secret === '') throw new Error('a session secret must not be empty');
    this.secret = options.secret;
    this.ttlMs = options.ttlMs ?? 28_800_000;
  }

  /** A token for the key `keyId`, valid for the configured time from `nowMs`. */
  issue(keyId: string, nowMs = Date.now()): IssuedSession {
    const expiresAt = nowMs + this.ttlMs;
    const payload = `${keyId}.${expiresAt}`;
    return { token: `${payload}.${this.sign(payload)}`, expiresAt };
  }

  /** The key id a token names, or `undefined` when it is malformed, forged or expired. */
  verify(token: string, nowMs = Date.now()): string | undefined {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, keyId = '', expiresAt = '', signature = ''] = match;
    const expected = Buffer.from(this.sign(`${keyId}.${expiresAt}`));
    if (!timingSafeEqual(Buffer.from(signature), expected)) return undefined;
    return Number(expiresAt) > nowMs ? keyId : undefined;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
