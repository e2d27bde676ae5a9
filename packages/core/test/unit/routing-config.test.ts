import { ConfigError, loadConfig } from '@tta/core';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig({ env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('agent labels in config', () => {
  it('has none by default', () => {
    expect(loadConfig({ env: {} }).agents['narrative-generator']?.labels).toBeUndefined();
  });

  it('reads agents.<type>.labels, also from TTA_AGENTS', () => {
    const config = loadConfig({
      env: { TTA_AGENTS: '{"narrative-generator":{"labels":{"tier":"fast","locale":"en-US"}}}' },
    });
    expect(config.agents['narrative-generator']).toMatchObject({
      labels: { tier: 'fast', locale: 'en-US' },
      concurrency: 32,
    });
  });

  it('refuses more than 3 labels, naming the key', () => {
    const error = configError({
      TTA_AGENTS: '{"world-builder":{"labels":{"a":"1","b":"2","c":"3","d":"4"}}}',
    });
    expect(error.message).toBe(
      'invalid configuration: agents.world-builder.labels: at most 3 labels',
    );
  });

  it('refuses a label value outside letters, digits, dot, dash and underscore', () => {
    const error = configError({ TTA_AGENTS: '{"world-builder":{"labels":{"tier":"fast lane"}}}' });
    expect(error.message).toMatch(/^invalid configuration: agents\.world-builder\.labels\.tier: /);
  });
});

describe('routing.snapshotTtlMs', () => {
  it('defaults to 250 ms and reads TTA_ROUTING_SNAPSHOT_TTL_MS', () => {
    expect(loadConfig({ env: {} }).routing).toEqual({ noLiveAgent: 'queue', snapshotTtlMs: 250 });
    expect(loadConfig({ env: { TTA_ROUTING_SNAPSHOT_TTL_MS: '0' } }).routing.snapshotTtlMs).toBe(0);
  });

  it('refuses a value that is not a whole number of milliseconds', () => {
    expect(configError({ TTA_ROUTING_SNAPSHOT_TTL_MS: 'soon' }).message).toMatch(
      /routing\.snapshotTtlMs/,
    );
  });
});
