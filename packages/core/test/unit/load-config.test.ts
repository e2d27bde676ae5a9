import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, redactUrl, type AppConfig } from '@tta/core';
import { redactConfig } from '../../src/config/redact-config';

const REPO_CONFIG_DIR = path.resolve(__dirname, '../../../../config');

/** The ConfigError `fn` throws; fails the test when it throws nothing or something else. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const error = err as ConfigError;
    expect(error.code).toBe('invalid_config');
    expect(error.message.split('\n')).toHaveLength(1);
    return error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('loadConfig from the repository config/', () => {
  it('loads the defaults and the built-in capability catalog', () => {
    const config = loadConfig({ env: {} });
    expect(config.env).toBe('development');
    expect(config.api.port).toBe(8080);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.redis.prefix).toBe('{tta}');
    expect(config.redis.shards).toBe(1);
    expect(config.registry).toEqual({ heartbeatIntervalMs: 500, ttlMs: 2000 });
    expect(config.configDir).toBe(REPO_CONFIG_DIR);
    expect(Object.keys(config.capabilities).sort()).toEqual([
      'input.parse',
      'narrative.generate',
      'safety.screen',
      'world.read',
      'world.update',
    ]);
    expect(config.capabilities['narrative.generate']).toMatchObject({
      agentType: 'narrative-generator',
      timeoutMs: 30_000,
      attempts: 3,
    });
    expect(config.agents['world-builder']).toEqual({
      enabled: true,
      replicas: 1,
      concurrency: 32,
    });
  });

  it('applies <env>.json of NODE_ENV over default.json', () => {
    expect(loadConfig({ env: { NODE_ENV: 'development' } }).log.format).toBe('pretty');
    expect(loadConfig({ env: { NODE_ENV: 'test' } }).log.format).toBe('json');
  });

  it('reads the config directory from TTA_CONFIG_DIR', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tta-config-'));
    try {
      writeFileSync(path.join(dir, 'default.json'), JSON.stringify({ api: { port: 4321 } }));
      const config = loadConfig({ env: { TTA_CONFIG_DIR: dir } });
      expect(config.api.port).toBe(4321);
      expect(config.configDir).toBe(dir);
      expect(config.capabilities).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadConfig layers', () => {
  let dir: string;

  function writeJson(name: string, value: unknown): void {
    writeFileSync(path.join(dir, name), JSON.stringify(value));
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-config-'));
    writeJson('default.json', {
      api: { port: 1111, host: '127.0.0.1' },
      log: { level: 'warn' },
      capabilities: { 'story.tell': { agentType: 'teller', timeoutMs: 1000 } },
      agents: { teller: { replicas: 2 } },
    });
    writeJson('test.json', {
      api: { port: 2222 },
      capabilities: {
        'story.tell': { attempts: 5 },
        'story.end': { agentType: 'teller' },
      },
      agents: { teller: { concurrency: 4 } },
    });
    writeJson('production.json', { api: { port: 9999 } });
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies <env>.json over default.json, key by key', () => {
    const config = loadConfig({ configDir: dir, env: { NODE_ENV: 'test' } });
    expect(config.api.port).toBe(2222);
    expect(config.api.host).toBe('127.0.0.1');
    expect(config.log.level).toBe('warn');
    expect(config.configDir).toBe(dir);
  });

  it('ignores the file of another environment', () => {
    const config = loadConfig({ configDir: dir, env: { NODE_ENV: 'development' } });
    expect(config.api.port).toBe(1111);
  });

  it('deep-merges the capability and agent maps across files, filling defaults', () => {
    const config = loadConfig({ configDir: dir, env: { NODE_ENV: 'test' } });
    expect(config.capabilities).toEqual({
      'story.tell': { agentType: 'teller', description: '', timeoutMs: 1000, attempts: 5 },
      'story.end': { agentType: 'teller', description: '' },
    });
    expect(config.agents).toEqual({ teller: { enabled: true, replicas: 2, concurrency: 4 } });
  });

  it('lets environment variables beat the files', () => {
    const config = loadConfig({
      configDir: dir,
      env: {
        NODE_ENV: 'test',
        PORT: '3333',
        TTA_LOG_LEVEL: 'debug',
        TTA_AGENTS: JSON.stringify({ teller: { replicas: 7 } }),
        TTA_CAPABILITIES: JSON.stringify({ 'story.tell': { timeoutMs: 50 } }),
      },
    });
    expect(config.api.port).toBe(3333);
    expect(config.log.level).toBe('debug');
    expect(config.agents.teller).toEqual({ enabled: true, replicas: 7, concurrency: 4 });
    expect(config.capabilities['story.tell']).toMatchObject({ timeoutMs: 50, attempts: 5 });
  });

  it('lets overrides beat the environment', () => {
    const config = loadConfig({
      configDir: dir,
      env: {
        NODE_ENV: 'test',
        PORT: '3333',
        TTA_LOG_LEVEL: 'debug',
        TTA_AGENTS: JSON.stringify({ teller: { replicas: 7 } }),
      },
      overrides: {
        api: { port: 4444 },
        log: { level: 'error' },
        agents: { teller: { replicas: 0 } },
      },
    });
    expect(config.api.port).toBe(4444);
    expect(config.api.host).toBe('127.0.0.1');
    expect(config.log.level).toBe('error');
    expect(config.agents.teller).toEqual({ enabled: true, replicas: 0, concurrency: 4 });
  });

  it('refuses an unknown key in a file, naming it', () => {
    writeJson('test.json', { api: { prot: 80 } });
    const error = configError(() => loadConfig({ configDir: dir, env: { NODE_ENV: 'test' } }));
    expect(error.message).toContain('api.prot');
  });

  it('refuses a file that is not valid JSON, naming the file', () => {
    writeFileSync(path.join(dir, 'test.json'), '{ "api": { "port": 1, }');
    const error = configError(() => loadConfig({ configDir: dir, env: { NODE_ENV: 'test' } }));
    expect(error.message).toContain(path.join(dir, 'test.json'));
  });
});

describe('loadConfig validation', () => {
  const cases: Array<[what: string, options: Parameters<typeof loadConfig>[0], key: string]> = [
    ['a port that is not a number', { env: { PORT: 'abc' } }, 'api.port'],
    ['a prefix without a hash tag', { env: { TTA_REDIS_PREFIX: 'tta' } }, 'redis.prefix'],
    ['no shards', { env: { TTA_REDIS_SHARDS: '0' } }, 'redis.shards'],
    ['too many shards', { env: { TTA_REDIS_SHARDS: '1025' } }, 'redis.shards'],
    [
      'a zero where a positive integer is due',
      { env: { TTA_REGISTRY_TTL_MS: '0' } },
      'registry.ttlMs',
    ],
    ['a value outside its list', { env: { TTA_LOG_LEVEL: 'loud' } }, 'log.level'],
    ['an unknown key in overrides', { env: {}, overrides: { api: { nope: 1 } } }, 'api.nope'],
    ['an unknown top-level key', { env: {}, overrides: { bogus: true } }, 'bogus'],
    [
      'negative replicas',
      { env: {}, overrides: { agents: { x: { replicas: -1 } } } },
      'agents.x.replicas',
    ],
    [
      'an unknown agent setting',
      { env: {}, overrides: { agents: { x: { replica: 1 } } } },
      'agents.x',
    ],
    [
      'a capability without an agent type',
      { env: {}, overrides: { capabilities: { 'story.tell': {} } } },
      'capabilities.story.tell.agentType',
    ],
    ['TTA_AGENTS that is not JSON', { env: { TTA_AGENTS: '{replicas: 1' } }, 'TTA_AGENTS'],
    ['TTA_CAPABILITIES that is not JSON', { env: { TTA_CAPABILITIES: '[' } }, 'TTA_CAPABILITIES'],
  ];

  it.each(cases)('throws a one-line ConfigError for %s', (_what, options, key) => {
    const error = configError(() => loadConfig(options));
    expect(error.message).toContain(key);
  });

  it('does not put the Redis password into the message of an invalid config', () => {
    const error = configError(() =>
      loadConfig({ env: { REDIS_URL: 'redis://:hunter2@redis:6379', PORT: '-5' } }),
    );
    expect(error.message).toContain('api.port');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('the loaded config', () => {
  const config = loadConfig({ env: {} });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.api)).toBe(true);
    expect(Object.isFrozen(config.capabilities)).toBe(true);
    expect(Object.isFrozen(config.capabilities['input.parse'])).toBe(true);
    expect(Object.isFrozen(config.agents['input-processor'])).toBe(true);
    expect(() => {
      (config.api as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.agents as Record<string, unknown>).extra = {};
    }).toThrow(TypeError);
    expect(config.api.port).toBe(8080);
  });

  it('is a fresh object on every load', () => {
    const other = loadConfig({ env: { PORT: '8081' } });
    expect(other.api.port).toBe(8081);
    expect(config.api.port).toBe(8080);
  });
});

describe('redactConfig and redactUrl', () => {
  it('hides the Redis password and keeps the rest', () => {
    const config: AppConfig = loadConfig({
      env: { REDIS_URL: 'redis://opsuser:hunter2@redis.internal:6380/3' },
    });
    const redacted = redactConfig(config) as AppConfig;
    expect(JSON.stringify(redacted)).not.toContain('hunter2');
    expect(JSON.stringify(redacted)).not.toContain('opsuser');
    expect(redacted.redis.url).toBe('redis://***:***@redis.internal:6380/3');
    expect(redacted.redis.prefix).toBe('{tta}');
    expect(redacted.api).toEqual(config.api);
    expect(config.redis.url).toBe('redis://opsuser:hunter2@redis.internal:6380/3');
  });

  it.each([
    ['redis://:s3cret@host:6379', 'redis://:***@host:6379'],
    ['rediss://user:s3cret@host:6380/1', 'rediss://***:***@host:6380/1'],
    ['redis://host:6379', 'redis://host:6379'],
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('reads the shard count from TTA_REDIS_SHARDS', () => {
    expect(loadConfig({ env: { TTA_REDIS_SHARDS: '3' } }).redis.shards).toBe(3);
  });

  it('hides the password of a cluster URL and keeps its nodes', () => {
    const config = loadConfig({ env: { REDIS_URL: 'redis+cluster://:s3cret@a:7000,b:7001' } });
    expect((redactConfig(config) as AppConfig).redis.url).toBe('redis+cluster://***@a:7000,b:7001');
  });

  it('replaces a URL it cannot parse entirely', () => {
    expect(redactUrl('redis://:s3cret@ho st')).toBe('***');
  });
});
