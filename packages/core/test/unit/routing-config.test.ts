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
    expect(loadConfig({ env: {} }).routing).toMatchObject({
      noLiveAgent: 'queue',
      snapshotTtlMs: 250,
    });
    expect(loadConfig({ env: { TTA_ROUTING_SNAPSHOT_TTL_MS: '0' } }).routing.snapshotTtlMs).toBe(0);
  });

  it('refuses a value that is not a whole number of milliseconds', () => {
    expect(configError({ TTA_ROUTING_SNAPSHOT_TTL_MS: 'soon' }).message).toMatch(
      /routing\.snapshotTtlMs/,
    );
  });
});

describe('bounded pools in config', () => {
  it('defaults to 256 pools forgotten after 10 minutes unused, checked every minute', () => {
    expect(loadConfig({ env: {} }).routing).toMatchObject({
      maxPools: 256,
      poolIdleMs: 600_000,
      poolPruneIntervalMs: 60_000,
    });
  });

  it('reads TTA_ROUTING_MAX_POOLS, TTA_ROUTING_POOL_IDLE_MS and TTA_ROUTING_POOL_PRUNE_INTERVAL_MS', () => {
    const env = {
      TTA_ROUTING_MAX_POOLS: '16',
      TTA_ROUTING_POOL_IDLE_MS: '5000',
      TTA_ROUTING_POOL_PRUNE_INTERVAL_MS: '1000',
    };
    expect(loadConfig({ env }).routing).toMatchObject({
      maxPools: 16,
      poolIdleMs: 5000,
      poolPruneIntervalMs: 1000,
    });
  });

  it('refuses a maximum of 0 pools, naming the key', () => {
    expect(configError({ TTA_ROUTING_MAX_POOLS: '0' }).message).toMatch(/routing\.maxPools/);
  });

  it('reads capabilities.<name>.pools and refuses an invalid label set in it, naming the key', () => {
    const config = loadConfig({
      env: {
        TTA_CAPABILITIES: '{"world.read":{"agentType":"world-builder","pools":[{"tier":"fast"}]}}',
      },
    });
    expect(config.capabilities['world.read']?.pools).toEqual([{ tier: 'fast' }]);
    const error = configError({
      TTA_CAPABILITIES: '{"world.read":{"agentType":"world-builder","pools":[{"tier":"a b"}]}}',
    });
    expect(error.message).toMatch(
      /^invalid configuration: capabilities\.world\.read\.pools\.0\.tier: /,
    );
  });
});
