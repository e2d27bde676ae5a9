import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRateLimit } from './api-key-config';
import type { ApiScope } from '@tta/contracts';

/** One configured key, as the frozen config holds it. */
export interface ApiKeyEntry {
  /** Names the key in logs and rate limits. */
  readonly id: string;
  /** `sha256:<hex>` of the key. */
  readonly hash: string;
  /** Whose data the key works on. Default: its id. */
  readonly owner?: string;
  /** What the key may do. */
  readonly scopes: readonly ApiScope[];
  /** Its own rate limit, over config `rateLimit`. */
  readonly rateLimit?: Readonly<ApiKeyRateLimit>;
}

/** Who presented a key: the key's id, scopes and own rate limit (never the key or its hash). */
export interface ApiKeyIdentity {
  /** The key's id. */
  readonly id: string;
  /** Whose data the key works on: its configured owner, else its id. */
  readonly owner: string;
  /** What the key may do. */
  readonly scopes: readonly ApiScope[];
  /** Its own rate limit, over config `rateLimit`. */
  readonly rateLimit?: Readonly<ApiKeyRateLimit>;
}

/** `sha256:<hex>` of a key: what config `auth.keys[].hash` holds. */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

interface StoredKey {
  identity: ApiKeyIdentity;
  digest: Buffer;
}

/**
 * The configured API keys. A presented key is hashed with SHA-256 and compared with every
 * stored hash in constant time, so neither the time taken nor an early exit tells which key,
 * or how much of one, matched.
 */
export class ApiKeys {
  private readonly stored: StoredKey[];

  constructor(keys: readonly ApiKeyEntry[]) {
    this.stored = keys.map((key) => ({
      identity: {
        id: key.id,
        owner: key.owner ?? key.id,
        scopes: [...key.scopes],
        ...(key.rateLimit && { rateLimit: { ...key.rateLimit } }),
      },
      digest: Buffer.from(key.hash.replace(/^sha256:/, ''), 'hex'),
    }));
  }

  /** How many keys there are. */
  get size(): number {
    return this.stored.length;
  }

  /** The identity of the key `presented`, or `undefined` when no configured key matches. */
  verify(presented: string): ApiKeyIdentity | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: ApiKeyIdentity | undefined;
    for (const key of this.stored) {
      // Compare with every key, also after a match: the loop takes the same time either way.
      const equal = timingSafeEqual(digest, key.digest);
      if (equal && found === undefined) found = key.identity;
    }
    return found;
  }

  /** The identity of the key with this id (an admin session names its key by id). */
  get(id: string): ApiKeyIdentity | undefined {
    return this.stored.find((key) => key.identity.id === id)?.identity;
  }
}
