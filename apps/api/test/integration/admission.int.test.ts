import { AgentRuntime, defineAgent } from '@tta/agent-sdk';
import { AgentRegistry, createLogger, OwnerBacklog } from '@tta/core';
import { createTestRedis, once, waitFor } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness, type TestApiKey } from './api-harness';

const acme: TestApiKey = {
  id: 'acme-key',
  key: 'admission-acme-key',
  scopes: ['tasks:write', 'tasks:read'],
  owner: 'acme',
  rateLimit: { points: 100, durationSeconds: 60 },
};
const globex: TestApiKey = {
  id: 'globex-key',
  key: 'admission-globex-key',
  scopes: ['tasks:write', 'tasks:read'],
  owner: 'globex',
};
const parse = (text: string) => ({ capability: 'input.parse', input: { text } });
const world = { capability: 'world.read', input: {}, sessionId: 'admission-s1' };

describe('each task of a batch counts against the rate limit', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ apiKeys: [acme] });
  });

  afterAll(async () => {
    await h.close();
  });

  const batch = (n: number) =>
    request(h.rawApp)
      .post('/v1/tasks/batch')
      .set('authorization', `Bearer ${acme.key}`)
      .send({ tasks: Array.from({ length: n }, (_, i) => parse(`look ${i}`)) });

  it('counts a batch of 60 as 60 points, refuses a batch larger than what is left whole, takes one that fits', async () => {
    const first = await batch(60).expect(202);
    expect(first.body.tasks).toHaveLength(60);
    expect(first.headers['ratelimit-remaining']).toBe('40');
    const before = await h.jobTotal();

    const refused = await batch(50).expect(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-remaining']).toBe('39');
    expect(await h.jobTotal()).toBe(before);

    // The refused batch cost its one request, not its 50 tasks: 39 are left.
    const fits = await batch(39).expect(202);
    expect(fits.body.tasks).toHaveLength(39);
    expect(fits.headers['ratelimit-remaining']).toBe('0');
    expect(await h.jobTotal()).toBe(before + 39);
    const single = await request(h.rawApp)
      .post('/v1/tasks')
      .set('authorization', `Bearer ${acme.key}`)
      .send(parse('one more'));
    expect(single.status).toBe(429);
  });
});

describe('limits on waiting tasks', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({
      apiKeys: [{ ...acme, rateLimit: {} }, globex],
      // Counts read again on every request (and waited for past 20 ms): a cancel shows at once.
      overrides: { admission: { maxWaitingPerOwner: 5, maxWaitingPerQueue: 8, depthRefreshMs: 1 } },
    });
  });

  afterAll(async () => {
    await h.close();
  });

  const post = (key: TestApiKey, body: unknown) =>
    request(h.rawApp).post('/v1/tasks').set('authorization', `Bearer ${key.key}`).send(body);
  const postBatch = (key: TestApiKey, tasks: unknown[]) =>
    request(h.rawApp)
      .post('/v1/tasks/batch')
      .set('authorization', `Bearer ${key.key}`)
      .send({ tasks });

  it('refuses an owner past its waiting tasks with 429 owner_backlog_full and Retry-After, a batch whole, and counts a cancel out', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1)
      ids.push((await post(acme, parse(`a${i}`)).expect(202)).body.id as string);
    const before = await h.jobTotal();
    const batch = await postBatch(acme, [parse('b1'), parse('b2')]).expect(429);
    expect(batch.body.error).toMatchObject({
      code: 'owner_backlog_full',
      details: { scope: 'owner', limit: 5, waiting: 4, requested: 2 },
    });
    expect(batch.headers['retry-after']).toBe('5');
    expect(await h.jobTotal()).toBe(before);
    await post(acme, parse('a4')).expect(202);
    const over = await post(acme, parse('a5')).expect(429);
    expect(over.body.error.code).toBe('owner_backlog_full');
    // Another owner is not affected.
    await post(globex, parse('g0')).expect(202);

    // A cancelled task leaves the count: once the count is read again, one more is taken.
    await request(h.rawApp)
      .delete(`/v1/tasks/${encodeURIComponent(ids[0] as string)}`)
      .set('authorization', `Bearer ${acme.key}`)
      .expect(202);
    await waitFor(async () => (await post(acme, parse('a6'))).status === 202 || undefined, {
      timeoutMs: 5000,
      what: 'the cancelled task to be counted out',
    });
  });

  it('refuses a queue past its waiting tasks with 429 queue_full, whoever asks, and other queues still take tasks', async () => {
    // input.parse holds acme's 5 and globex's 1 by now: 2 more fit.
    await postBatch(globex, [parse('g1'), parse('g2')]).expect(202);
    const full = await post(globex, parse('g3')).expect(429);
    expect(full.body.error).toMatchObject({
      code: 'queue_full',
      details: { scope: 'queue', queue: 'cap.input.parse', limit: 8, waiting: 8, requested: 1 },
    });
    expect(Number(full.headers['retry-after'])).toBe(5);
    await post(globex, world).expect(202);
    const metrics = await request(h.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/tta_admission_refused_total\{reason="queue_full"[^}]*\} 1\b/);
    const ownerRefusals =
      /tta_admission_refused_total\{reason="owner_backlog_full"[^}]*\} (\d+)/.exec(metrics.text);
    expect(Number(ownerRefusals?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('counts a task out of its owner when an agent starts it, and the reconciliation removes what was missed', async () => {
    const backlog = h.services.names.key('admission', 'owner', 'globex');
    const counted = await h.redis.zrange(backlog, 0, -1);
    expect(counted).toHaveLength(4);
    // A counted task whose job is gone (removed by retention, say) is counted for nothing.
    await h.redis.zadd(
      backlog,
      Date.now() - 120_000,
      'cap.input.parse~00000000-0000-4000-8000-000000000000',
    );

    const connection = createTestRedis('worker');
    if (connection.status !== 'ready') await once(connection, 'ready', 5000);
    const names = h.services.names;
    const registry = new AgentRegistry(connection, { names, ttlMs: h.config.registry.ttlMs });
    const agent = new AgentRuntime(
      defineAgent({
        type: 'world-reader',
        capabilities: ['world.read'],
        handler: () => ({ world: {} }),
      }),
      { connection, names, registry, logger: createLogger({ level: 'error' }) },
    );
    try {
      await agent.start();
      const worldTask = counted.find((id) => id.startsWith('cap.world.read~'));
      expect(worldTask).toBeDefined();
      await waitFor(async () => (await h.redis.zscore(backlog, worldTask!)) === null || undefined, {
        timeoutMs: 10_000,
        what: 'the started task to leave its owner backlog',
      });
    } finally {
      await agent.stop();
      await connection.quit();
    }
    const done = await new OwnerBacklog(h.redis, { names }).reconcile(60_000);
    expect(done).toEqual({ checked: 1, removed: 1 });
    expect(await h.redis.zcard(backlog)).toBe(3);
  });
});
