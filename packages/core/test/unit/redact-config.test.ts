import { loadConfig, type AppConfig } from '@tta/core';
import { redactConfig, REDACTED } from '../../src/config/redact-config';

const KEY_HASH = `sha256:${'a'.repeat(64)}`;
const SECRET = 's3cret-s3cret-s3cret-s3cret-s3cret-42';

function redacted(config: unknown): string {
  return JSON.stringify(redactConfig(config as AppConfig));
}

describe('redactConfig', () => {
  const config = loadConfig({
    env: { REDIS_URL: 'redis://admin:hunter2@redis.internal:6380/3' },
    overrides: {
      auth: {
        sessionSecret: SECRET,
        keys: [{ id: 'ops', hash: KEY_HASH, scopes: ['admin'] }],
      },
    },
  });
  const shown = redactConfig(config) as AppConfig;

  it('hides the keys the config schema marks sensitive, keeping a URL but its credentials', () => {
    expect(shown.redis.url).toBe(`redis://${REDACTED}:${REDACTED}@redis.internal:6380/3`);
    expect(shown.auth.sessionSecret).toBe(REDACTED);
    expect(redacted(config)).not.toContain('hunter2');
    expect(redacted(config)).not.toContain(SECRET);
  });

  it('hides API key hashes and keeps what names and scopes the keys', () => {
    expect(shown.auth.keys).toEqual([{ id: 'ops', hash: REDACTED, scopes: ['admin'] }]);
    expect(redacted(config)).not.toContain(KEY_HASH);
  });

  it('leaves the rest as it is, and the config itself untouched', () => {
    expect(shown.api).toEqual(config.api);
    expect(shown.capabilities).toEqual(config.capabilities);
    expect(shown.redis.prefix).toBe('{tta}');
    expect(config.auth.sessionSecret).toBe(SECRET);
  });

  it('shows an unset secret as unset', () => {
    const unset = redactConfig(loadConfig({ env: {} })) as AppConfig;
    expect(unset.auth.sessionSecret).toBe('');
  });

  it('hides fields named like secrets and URL credentials wherever they are, but not numbers', () => {
    const shownMore = redactConfig({
      ...config,
      llm: {
        baseUrl: 'https://user:pa55@llm.example/v1',
        apiKey: 'sk-live-123',
        providers: [{ name: 'backup', token: 'tok-456', password: 'pw-789' }],
        maxTokens: 4096,
      },
    } as unknown as AppConfig) as { llm: Record<string, unknown> };
    expect(shownMore.llm).toEqual({
      baseUrl: `https://${REDACTED}:${REDACTED}@llm.example/v1`,
      apiKey: REDACTED,
      providers: [{ name: 'backup', token: REDACTED, password: REDACTED }],
      maxTokens: 4096,
    });
  });
});
