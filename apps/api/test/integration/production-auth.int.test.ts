import { randomBytes } from 'node:crypto';
import { freePort, hashApiKey } from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  spawnNode,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@tta/test-utils';

// Run against the built API, as `npm start` and containers run it.
const MAIN = 'apps/api/dist/main.js';
const key = 'production-test-key-0123456789';
const keys = JSON.stringify([{ id: 'ops', hash: hashApiKey(key), scopes: ['admin'] }]);
const secret = 's'.repeat(48);
const prefix = uniquePrefix();

afterAll(async () => {
  const redis = createTestRedis();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function startProduction(env: NodeJS.ProcessEnv) {
  return spawnNode(MAIN, [], {
    NODE_ENV: 'production',
    REDIS_URL: testRedisUrl(),
    TTA_REDIS_PREFIX: prefix,
    TTA_API_KEYS: '',
    TTA_AUTH_SESSION_SECRET: '',
    ...env,
  });
}

describe('the API in production', () => {
  it('refuses to start with auth on and no keys: one line, exit 2', async () => {
    const api = startProduction({ TTA_AUTH_SESSION_SECRET: secret, PORT: '0' });
    expect(await api.exited).toBe(2);
    const lines = api.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^invalid configuration: auth\.keys: no API keys configured in production/,
    );
  });

  it('refuses to start with keys but no session secret: one line, exit 2', async () => {
    const api = startProduction({ TTA_API_KEYS: keys, PORT: '0' });
    expect(await api.exited).toBe(2);
    const lines = api.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('auth.sessionSecret: required in production');
  });

  it('refuses to start without an encryption key: one line naming the setting, exit 2', async () => {
    const api = startProduction({ TTA_API_KEYS: keys, TTA_AUTH_SESSION_SECRET: secret, PORT: '0' });
    expect(await api.exited).toBe(2);
    const lines = api.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^invalid configuration: encryption\.keys: encryption is on/);
  });

  it('starts with keys, a secret and an encryption key, and then wants a key for everything but /healthz', async () => {
    const port = await freePort();
    const api = startProduction({
      TTA_API_KEYS: keys,
      TTA_AUTH_SESSION_SECRET: secret,
      TTA_ENCRYPTION_KEYS: JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]),
      PORT: String(port),
      TTA_API_HOST: '127.0.0.1',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok, {
        timeoutMs: 15_000,
        what: 'the API to listen',
      }).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${api.output()}`);
      });
      expect((await fetch(`${base}/readyz`)).status).toBe(401);
      const ready = await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${key}` } });
      expect(ready.status).toBe(200);
      expect(api.output()).not.toContain('NO API KEYS CONFIGURED');
      expect(api.output()).not.toContain(key);
      expect(api.output()).not.toContain('UNENCRYPTED');
    } finally {
      api.signal('SIGTERM');
      expect(await api.exited).toBe(0);
    }
  });
});
