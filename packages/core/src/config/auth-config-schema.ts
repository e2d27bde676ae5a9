import convict from 'convict';
import { jsonList } from './coerce';
import { apiKeysConfigSchema, type ApiKeyConfig } from '../auth/api-key-config';

// The API keys of config `auth.keys`, from a file or as JSON in TTA_API_KEYS.
convict.addFormat({
  name: 'api-keys',
  validate(value: unknown) {
    const parsed = apiKeysConfigSchema.safeParse(value);
    if (parsed.success) return;
    const issue = parsed.error.issues[0];
    const at = (issue?.path ?? []).map(String).join('.');
    throw new Error(`${at ? `${at}: ` : ''}${issue?.message ?? 'invalid'}`);
  },
  coerce: jsonList,
});

convict.addFormat({
  name: 'session-secret',
  validate(value: unknown) {
    if (typeof value !== 'string' || (value !== '' && value.length < 32)) {
      throw new Error('must be empty or at least 32 characters');
    }
  },
});

const NO_KEYS: ApiKeyConfig[] = [];

/** The convict schema of config `auth`: API keys, scopes and admin sessions. */
export const authConfigSchema = {
  enabled: {
    doc: 'Whether every endpoint but /healthz needs an API key. Off only behind something else that authenticates.',
    format: Boolean,
    default: true,
    env: 'TTA_AUTH_ENABLED',
  },
  keys: {
    doc: 'API keys: a list of { id, hash: "sha256:<hex of the key>", scopes: [tasks:write | tasks:read | agents:read | safety:review | admin], rateLimit?: { points?, durationSeconds? } } (JSON in the variable). None in development or test: the key tta-dev-key with scope admin, accepted only from this machine (loopback); none in production: the API refuses to start.',
    format: 'api-keys',
    default: NO_KEYS,
    env: 'TTA_API_KEYS',
  },
  sessionSecret: {
    doc: 'Signs the admin-session cookie of /admin/login (HMAC-SHA256), at least 32 characters. Required in production; elsewhere a random one per process when empty.',
    format: 'session-secret',
    default: '',
    env: 'TTA_AUTH_SESSION_SECRET',
    sensitive: true,
  },
  failedAttempts: {
    doc: 'Failed authentications (an unknown API key, or the development key from another machine) allowed per client address and window; past them every request of that address that needs a key gets 429 auth_rate_limited until the window ends, the right key included. 0: no limit. Counted per API instance.',
    format: 'nat',
    default: 20,
    env: 'TTA_AUTH_FAILED_ATTEMPTS',
  },
  failedAttemptsWindowSeconds: {
    doc: 'Window of failedAttempts, in seconds.',
    format: 'positive-int',
    default: 60,
    env: 'TTA_AUTH_FAILED_ATTEMPTS_WINDOW_SECONDS',
  },
  sessionTtlSeconds: {
    doc: 'How long an admin session (the cookie of /admin/login) lasts.',
    format: 'positive-int',
    default: 28_800,
    env: 'TTA_AUTH_SESSION_TTL_SECONDS',
  },
};

/** The convict schema of config `rateLimit`: requests per API key and window, shared by every API instance through Redis. */
export const rateLimitConfigSchema = {
  enabled: {
    doc: 'Whether the API limits requests per API key (per client address while auth is off).',
    format: Boolean,
    default: true,
    env: 'TTA_RATE_LIMIT_ENABLED',
  },
  points: {
    doc: 'Requests allowed per key and window; a key may have its own (auth.keys[].rateLimit).',
    format: 'positive-int',
    default: 100,
    env: 'TTA_RATE_LIMIT_POINTS',
  },
  durationSeconds: {
    doc: 'Length of the rate-limit window.',
    format: 'positive-int',
    default: 1,
    env: 'TTA_RATE_LIMIT_DURATION_SECONDS',
  },
};
