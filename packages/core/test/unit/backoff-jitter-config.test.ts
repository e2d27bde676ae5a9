import { ConfigError, loadConfig } from '@tta/core';

/** The message of the ConfigError `fn` throws; fails the test when it throws nothing else. */
function configErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('backoff jitter and dead-letter retention in config', () => {
  it('defaults the jitter to half of each delay and keeps dead letters 30 days', () => {
    const config = loadConfig({ env: {} });
    expect(config.tasks.defaultBackoffJitter).toBe(0.5);
    expect(config.tasks.keepDeadLetteredSeconds).toBe(30 * 24 * 3600);
  });

  it('reads the default jitter from TTA_TASKS_DEFAULT_BACKOFF_JITTER', () => {
    const config = loadConfig({ env: { TTA_TASKS_DEFAULT_BACKOFF_JITTER: '0.2' } });
    expect(config.tasks.defaultBackoffJitter).toBe(0.2);
    expect(
      loadConfig({ env: { TTA_TASKS_DEFAULT_BACKOFF_JITTER: '0' } }).tasks.defaultBackoffJitter,
    ).toBe(0);
  });

  it('refuses a default jitter outside 0..1, naming the key', () => {
    for (const value of ['1.5', '-0.1', 'lots']) {
      const message = configErrorMessage(() =>
        loadConfig({ env: { TTA_TASKS_DEFAULT_BACKOFF_JITTER: value } }),
      );
      expect(message).toContain('tasks.defaultBackoffJitter');
    }
  });

  it('takes a jitter per capability and refuses one above 1', () => {
    const config = loadConfig({
      env: {},
      overrides: { capabilities: { 'narrative.generate': { backoffJitter: 0.1 } } },
    });
    expect(config.capabilities['narrative.generate']?.backoffJitter).toBe(0.1);
    const message = configErrorMessage(() =>
      loadConfig({
        env: {},
        overrides: { capabilities: { 'narrative.generate': { backoffJitter: 2 } } },
      }),
    );
    expect(message).toContain('capabilities.narrative.generate.backoffJitter');
  });
});
