import { hashApiKey, loadConfig, type AppConfig } from '@tta/core';
import { redactConfig } from '../../../src/config/redact-config';

const hash = hashApiKey('k1');

describe('config auth and rateLimit', () => {
  it('defaults to auth on with no keys and 100 requests per second per key', () => {
    const config = loadConfig({ env: {} });
    expect(config.auth).toEqual({
      enabled: true,
      failedAttempts: 20,
      failedAttemptsWindowSeconds: 60,
      keys: [],
      sessionSecret: '',
      sessionTtlSeconds: 28_800,
    });
    expect(config.rateLimit).toEqual({ enabled: true, points: 100, durationSeconds: 1 });
  });

  it('reads keys as JSON from TTA_API_KEYS, and the other values from their variables', () => {
    const keys = [
      { id: 'ci', hash, scopes: ['tasks:write', 'tasks:read'], rateLimit: { points: 10 } },
    ];
    const config = loadConfig({
      env: {
        TTA_API_KEYS: JSON.stringify(keys),
        TTA_AUTH_ENABLED: 'false',
        TTA_AUTH_SESSION_SECRET: 's'.repeat(40),
        TTA_RATE_LIMIT_POINTS: '7',
        TTA_RATE_LIMIT_DURATION_SECONDS: '60',
        TTA_RATE_LIMIT_ENABLED: 'false',
      },
    });
    expect(config.auth.keys).toEqual(keys);
    expect(config.auth.enabled).toBe(false);
    expect(config.rateLimit).toEqual({ enabled: false, points: 7, durationSeconds: 60 });
  });

  it.each([
    ['a key in the clear', [{ id: 'a', hash: 'k1', scopes: ['admin'] }], 'auth.keys: 0.hash'],
    ['an unknown scope', [{ id: 'a', hash, scopes: ['everything'] }], 'auth.keys: 0.scopes.0'],
    ['no scope', [{ id: 'a', hash, scopes: [] }], 'auth.keys: 0.scopes'],
    ['an id with a dot', [{ id: 'a.b', hash, scopes: ['admin'] }], 'auth.keys: 0.id'],
    ['an unknown field', [{ id: 'a', hash, scopes: ['admin'], key: 'k1' }], 'auth.keys: 0'],
    [
      'an id used twice',
      [
        { id: 'a', hash, scopes: ['admin'] },
        { id: 'a', hash, scopes: ['tasks:read'] },
      ],
      'auth.keys: 1.id',
    ],
  ])('refuses %s, naming the key', (_what, keys, where) => {
    expect(() => loadConfig({ env: { TTA_API_KEYS: JSON.stringify(keys) } })).toThrow(where);
  });

  it('refuses a session secret shorter than 32 characters', () => {
    expect(() => loadConfig({ env: { TTA_AUTH_SESSION_SECRET: 'short' } })).toThrow(
      'auth.sessionSecret',
    );
  });

  it('hides the session secret from redactConfig', () => {
    const config = loadConfig({ env: { TTA_AUTH_SESSION_SECRET: 'q'.repeat(40) } });
    const redacted = redactConfig(config) as AppConfig;
    expect(JSON.stringify(redacted)).not.toContain('q'.repeat(40));
    expect(redacted.auth.sessionSecret).toBe('***');
  });
});
