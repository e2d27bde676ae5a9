import { ConfigError, hashApiKey, resolveAuth } from '@tta/core';
import { DEVELOPMENT_API_KEY, type AuthSettings } from '../../../src/auth/resolve-auth';

const key = { id: 'ops', hash: hashApiKey('ops-key'), scopes: ['admin' as const] };
const secret = 'x'.repeat(32);

function settings(over: Partial<AuthSettings> = {}): AuthSettings {
  return { enabled: true, keys: [], sessionSecret: '', sessionTtlSeconds: 60, ...over };
}

describe('resolveAuth', () => {
  it('refuses production with auth on and no keys, in one line naming auth.keys', () => {
    const run = () => resolveAuth({ env: 'production', auth: settings({ sessionSecret: secret }) });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/^invalid configuration: auth\.keys: no API keys configured in production/);
    expect(() => run()).not.toThrow(/\n/);
  });

  it('refuses production with keys but no session secret', () => {
    expect(() => resolveAuth({ env: 'production', auth: settings({ keys: [key] }) })).toThrow(
      /auth\.sessionSecret: required in production/,
    );
  });

  it('accepts production with auth off and nothing else', () => {
    expect(resolveAuth({ env: 'production', auth: settings({ enabled: false }) }).enabled).toBe(
      false,
    );
  });

  it.each(['development', 'test'] as const)(
    'uses the development key with scope admin and a random secret in %s',
    (env) => {
      const first = resolveAuth({ env, auth: settings() });
      const second = resolveAuth({ env, auth: settings() });
      expect(first.usesDevelopmentKey).toBe(true);
      expect(first.keys.verify(DEVELOPMENT_API_KEY)).toEqual({
        id: 'development',
        owner: 'development',
        scopes: ['admin'],
      });
      expect(first.sessionSecretGenerated).toBe(true);
      expect(first.sessionSecret).toHaveLength(64);
      expect(first.sessionSecret).not.toBe(second.sessionSecret);
      expect(first.sessionTtlMs).toBe(60_000);
    },
  );

  it('uses only the configured keys when there are some: the development key is refused', () => {
    const resolved = resolveAuth({ env: 'development', auth: settings({ keys: [key] }) });
    expect(resolved.usesDevelopmentKey).toBe(false);
    expect(resolved.keys.verify('ops-key')?.id).toBe('ops');
    expect(resolved.keys.verify(DEVELOPMENT_API_KEY)).toBeUndefined();
  });

  it('keeps a configured session secret', () => {
    const resolved = resolveAuth({
      env: 'production',
      auth: settings({ keys: [key], sessionSecret: secret }),
    });
    expect(resolved.sessionSecret).toBe(secret);
    expect(resolved.sessionSecretGenerated).toBe(false);
  });
});
