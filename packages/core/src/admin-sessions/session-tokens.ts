import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Options of {@link SessionTokens}. */
export interface SessionTokensOptions {
  /** The HMAC-SHA256 key that signs tokens (config `auth.sessionSecret`). */
  secret: string;
}

/** A new session id and the token that names it. */
export interface IssuedSessionToken {
  /** 128 random bits, base64url-encoded (22 characters). */
  id: string;
  /** `<id>.<signature>`, the signature base64url-encoded: what the session cookie holds. */
  token: string;
}

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/** Whether `id` has the form of a session id (it may still name no session). */
export function isSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/**
 * Signed admin-session tokens: a random session id and its HMAC-SHA256. A token only names a
 * session (whether it is live is up to the session store); its signature lets a forged or
 * guessed id be refused before any lookup, and means that knowing a session's id (as the list
 * of sessions shows it) is not enough to use it. Signatures are compared in constant time.
 */
export class SessionTokens {
  private readonly secret: string;

  constructor(options: SessionTokensOptions) {
    if (options.secret === '') throw new Error('a session secret must not be empty');
    this.secret = options.secret;
  }

  /** A new session id and its token. */
  issue(): IssuedSessionToken {
    const id = randomBytes(16).toString('base64url');
    return { id, token: `${id}.${this.sign(id)}` };
  }

  /** The session id a token names, or `undefined` when it is malformed or forged. */
  verify(token: string): string | undefined {
    const match = TOKEN.exec(token);
    if (!match) return undefined;
    const [, id = '', signature = ''] = match;
    const expected = Buffer.from(this.sign(id));
    return timingSafeEqual(Buffer.from(signature), expected) ? id : undefined;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.secret).update(`admin-session.${id}`).digest('base64url');
  }
}
