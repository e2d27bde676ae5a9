import { ConfigError, loadConfig } from '@tta/core';
import { redactConfig } from '../../src/config/redact-config';

function refusal(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig({ env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('config safety', () => {
  it('reads webhook URLs comma-separated from TTA_SAFETY_WEBHOOK_URLS, with their secret', () => {
    const { safety } = loadConfig({
      env: {
        TTA_SAFETY_WEBHOOK_URLS: 'https://a.example/hook, http://127.0.0.1:9000/b',
        TTA_SAFETY_WEBHOOK_SECRET: 's3cret',
      },
    });
    expect(safety.webhooks.urls).toEqual(['https://a.example/hook', 'http://127.0.0.1:9000/b']);
    expect(safety.webhooks.secret).toBe('s3cret');
    const shown = JSON.stringify(redactConfig({ safety }));
    expect(shown).not.toContain('a.example');
    expect(shown).not.toContain('s3cret');
  });

  it('refuses webhook URLs without a secret, or that are not http(s), in one line naming the key', () => {
    expect(refusal({ TTA_SAFETY_WEBHOOK_URLS: 'https://a.example/hook' })).toMatch(
      /safety\.webhooks\.secret/,
    );
    expect(
      refusal({ TTA_SAFETY_WEBHOOK_URLS: 'ftp://a.example/hook', TTA_SAFETY_WEBHOOK_SECRET: 'x' }),
    ).toMatch(/safety\.webhooks\.urls/);
    expect(refusal({ TTA_SAFETY_SCREEN_DEADLINE_MS: '0' })).toMatch(/safety\.screenDeadlineMs/);
  });

  it('has the disclosure and breaks on by default', () => {
    const { safety } = loadConfig({ env: {} });
    expect(safety.disclosure).toMatchObject({ enabled: true, periodMs: 10_800_000 });
    expect(safety.breaks.enabled).toBe(true);
    expect(safety.webhooks.urls).toEqual([]);
  });
});
