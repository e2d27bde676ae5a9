import { uniquePrefix } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness, type TestApiKey } from './api-harness';

const first: TestApiKey = { id: 'first', key: 'rate-limit-first-key', scopes: ['tasks:read'] };
const second: TestApiKey = { id: 'second', key: 'rate-limit-second-key', scopes: ['tasks:read'] };
const small: TestApiKey = {
  id: 'small',
  key: 'rate-limit-small-key',
  scopes: ['tasks:read'],
  rateLimit: { points: 2 },
};
// A window long enough that a slow machine still sends all six requests inside it.
const overrides = { rateLimit: { points: 5, durationSeconds: 60 } };

describe('two API instances on one Redis and prefix', () => {
  let a: ApiHarness;
  let b: ApiHarness;

  beforeAll(async () => {
    const prefix = uniquePrefix();
    const apiKeys = [first, second, small];
    a = await startApiHarness({ prefix, apiKeys, overrides });
    b = await startApiHarness({ prefix, apiKeys, overrides });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const get = (h: ApiHarness, key: TestApiKey) =>
    request(h.rawApp).get('/v1/workflows').set('authorization', `Bearer ${key.key}`);

  it('share one count per key: the 6th request of 5 allowed is 429, whichever instance gets it', async () => {
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await get(i % 2 === 0 ? a : b, first));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(answers.map((res) => res.headers['ratelimit-remaining'])).toEqual([
      '4',
      '3',
      '2',
      '1',
      '0',
      '0',
    ]);
    const refused = answers[5]!;
    expect(refused.body.error.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-limit']).toBe('5');
    expect(refused.headers['x-ratelimit-limit']).toBe('5');
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBe(retryAfter);
    expect(Number(refused.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('leave another key unaffected', async () => {
    const res = await get(b, second).expect(200);
    expect(res.headers['ratelimit-remaining']).toBe('4');
  });

  it('apply a key’s own limit over the default', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(i % 2 === 0 ? a : b, small)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('count no request to /healthz', async () => {
    const res = await request(a.rawApp).get('/healthz').expect(200);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('with rate limiting off', () => {
  it('sends no rate-limit headers and refuses nothing', async () => {
    const h = await startApiHarness({ overrides: { rateLimit: { enabled: false, points: 1 } } });
    try {
      for (let i = 0; i < 3; i += 1) {
        const res = await request(h.app).get('/v1/workflows').expect(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await h.close();
    }
  });
});

describe('with Redis down', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ redisUrl: 'redis://127.0.0.1:1', overrides });
  });

  afterAll(async () => {
    await h.close();
  });

  it('lets requests through unlimited (fail open) and logs one warning', async () => {
    for (let i = 0; i < 7; i += 1) {
      const res = await request(h.app).get('/v1/workflows');
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
    const warnings = h.logs.filter((line) =>
      String(line.message).startsWith('rate limiter cannot reach Redis'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn' });
  });

  it('still answers routes that need Redis with 503, not 500', async () => {
    const res = await request(h.app).get('/v1/agents').expect(503);
    expect(res.body.error.code).toBe('redis_unavailable');
  });
});
