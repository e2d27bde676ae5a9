import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors/config-error';
import { ApiKeys, hashApiKey, type ApiKeyEntry } from './api-keys';

/** The documented key used in development and tests while no key is configured (scope `admin`). */
export const DEVELOPMENT_API_KEY = 'tta-dev-key';

/** The id of {@link DEVELOPMENT_API_KEY} in logs and rate limits. */
export const DEVELOPMENT_KEY_ID = 'development';

/** Config `auth`, as the frozen config holds it. */
export interface AuthSettings {
  /** Whether endpoints need a key. */
  readonly enabled: boolean;
  /** The configured keys (hashes only). */
  readonly keys: readonly ApiKeyEntry[];
  /** Signs admin-session cookies; empty for a random one (not in production). */
  readonly sessionSecret: string;
  /** How long an admin session lasts, in seconds. */
  readonly sessionTtlSeconds: number;
}

/** Options of {@link resolveAuth}. */
export interface ResolveAuthOptions {
  /** Config `env`: production refuses to run without keys or a session secret. */
  env: 'production' | 'development' | 'test';
  /** Config `auth`. */
  auth: AuthSettings;
}

/** What the API authenticates with, once config has been checked. */
export interface ResolvedAuth {
  /** Whether endpoints need a key. */
  enabled: boolean;
  /** The keys a request may present. */
  keys: ApiKeys;
  /**
   * Whether `keys` is only {@link DEVELOPMENT_API_KEY} (id {@link DEVELOPMENT_KEY_ID}), because
   * none is configured: the API then accepts it only from loopback clients.
   */
  usesDevelopmentKey: boolean;
  /** Signs admin-session cookies. */
  sessionSecret: string;
  /** Whether `sessionSecret` was made up for this process (sessions end when it stops). */
  sessionSecretGenerated: boolean;
  /** How long an admin session lasts. */
  sessionTtlMs: number;
}

/**
 * Checks config `auth` for the environment and fills in what development may leave out. In
 * production with auth on, no keys or no session secret is a {@link ConfigError} (the API
 * refuses to start). In development and test, no keys means the documented development key
 * with scope `admin`, and no session secret a random one per process.
 */
export function resolveAuth(options: ResolveAuthOptions): ResolvedAuth {
  const { env, auth } = options;
  const production = env === 'production';
  if (production && auth.enabled && auth.keys.length === 0) {
    throw new ConfigError(
      'invalid configuration: auth.keys: no API keys configured in production; set TTA_API_KEYS (hashes from `npm run hash-key -- <key>`) or TTA_AUTH_ENABLED=false',
    );
  }
  if (production && auth.enabled && auth.sessionSecret === '') {
    throw new ConfigError(
      'invalid configuration: auth.sessionSecret: required in production; set TTA_AUTH_SESSION_SECRET (at least 32 characters)',
    );
  }
  const usesDevelopmentKey = auth.keys.length === 0;
  const keys = usesDevelopmentKey
    ? [
        {
          id: DEVELOPMENT_KEY_ID,
          hash: hashApiKey(DEVELOPMENT_API_KEY),
          scopes: ['admin' as const],
        },
      ]
    : auth.keys;
  const sessionSecretGenerated = auth.sessionSecret === '';
  return {
    enabled: auth.enabled,
    keys: new ApiKeys(keys),
    usesDevelopmentKey,
    sessionSecret: sessionSecretGenerated ? randomBytes(32).toString('hex') : auth.sessionSecret,
    sessionSecretGenerated,
    sessionTtlMs: auth.sessionTtlSeconds * 1000,
  };
}
