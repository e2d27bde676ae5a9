import { agentQueues, AgentRegistry, type RoutePreview } from '@tta/core';
import { type EnqueuedTask } from '@tta/contracts';
import { createTestRedis } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import type { CapabilityOverview } from '@tta/contracts';
import { startApiHarness, type ApiHarness } from './api-harness';

const TTL_MS = 60_000;
const GENERIC = 'cap.narrative.generate';

let workerRedis: Redis;

beforeAll(() => {
  workerRedis = createTestRedis('worker');
});

afterAll(async () => {
  await workerRedis.quit();
});

/** Registers an agent as a worker would, on its own connection, without running it. */
async function registerAgent(
  h: ApiHarness,
  id: string,
  labels: Record<string, string>,
  concurrency: number,
): Promise<void> {
  const registry = new AgentRegistry(workerRedis, { names: h.services.names, ttlMs: TTL_MS });
  const capabilities = ['narrative.generate'];
  await registry.register({
    id,
    type: 'narrative-generator',
    capabilities,
    labels,
    queues: agentQueues(h.services.names, capabilities, labels),
    concurrency,
    host: 'test-host',
    pid: 4242,
    version: '0.1.0',
    startedAt: Date.now(),
  });
}

describe("with agents in pools (routing.noLiveAgent 'queue')", () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({
      overrides: {
        registry: { ttlMs: TTL_MS },
        // Pools no live agent serves yet: config declares them.
        capabilities: {
          'narrative.generate': { pools: [{ tier: 'slow' }, { tier: 'fast', locale: 'de' }] },
        },
      },
    });
    await registerAgent(h, 'fast-1', { tier: 'fast' }, 4);
    await registerAgent(h, 'fast-en-1', { tier: 'fast', locale: 'en' }, 2);
    await registerAgent(h, 'quality-1', { tier: 'quality' }, 8);
    await h.queue(`${GENERIC}.tier-fast`).add('narrative.generate', { backlog: 1 });
  });

  afterAll(async () => {
    await h.close();
  });

  const preview = async (query: string) =>
    (await request(h.app).get(`/v1/routing/preview?${query}`).expect(200)).body as RoutePreview;

  it('shows the chosen pool and why each candidate won or lost', async () => {
    const body = await preview('capability=narrative.generate&requirements=tier:fast');
    expect(body.capability).toBe('narrative.generate');
    expect(body.requirements).toEqual({ tier: 'fast' });
    expect(body.chosen).toEqual({
      queue: `${GENERIC}.locale-en.tier-fast`,
      reason: 'lowest expected wait 0',
    });
    const byQueue = new Map(body.candidates.map((c) => [c.queue, c]));
    expect(body.candidates[0]?.queue).toBe(`${GENERIC}.locale-en.tier-fast`);
    expect(byQueue.get(`${GENERIC}.tier-fast`)).toEqual({
      queue: `${GENERIC}.tier-fast`,
      labels: { tier: 'fast' },
      liveAgents: 2,
      capacity: 6,
      backlog: 1,
      expectedWait: 1 / 6,
      eligible: true,
      reason: `expected wait 0.167, more than 0 of ${GENERIC}.locale-en.tier-fast`,
    });
    expect(byQueue.get(GENERIC)).toMatchObject({
      liveAgents: 3,
      capacity: 14,
      eligible: false,
      reason: 'generic queue: used when the task has no requirements',
    });
    expect(byQueue.get(`${GENERIC}.tier-quality`)).toMatchObject({
      eligible: false,
      reason: 'does not satisfy tier=fast',
    });
    expect(byQueue.get(`${GENERIC}.locale-en`)).toMatchObject({
      eligible: false,
      reason: 'does not satisfy tier=fast',
    });
  });

  it('shows the generic queue for a task without requirements', async () => {
    const body = await preview('capability=narrative.generate');
    expect(body.requirements).toEqual({});
    expect(body.chosen).toEqual({
      queue: GENERIC,
      reason: 'generic queue: used when the task has no requirements',
    });
  });

  it('shows the exact pool queue, with no live capacity, when no agent carries the labels', async () => {
    const body = await preview('capability=narrative.generate&requirements=tier:fast,locale:de');
    expect(body.chosen).toEqual({
      queue: `${GENERIC}.locale-de.tier-fast`,
      reason:
        'no live agent serves locale=de, tier=fast: waits in the exact pool queue for the first agent with these labels',
    });
    expect(body.candidates[0]).toMatchObject({
      queue: `${GENERIC}.locale-de.tier-fast`,
      labels: { tier: 'fast', locale: 'de' },
      capacity: 0,
      eligible: false,
      reason: 'no live capacity',
    });
    expect(body.candidates.find((c) => c.queue === `${GENERIC}.locale-en.tier-fast`)?.reason).toBe(
      'does not satisfy locale=de',
    );
  });

  it('routes a task with requirements to the pool and reads it back by id', async () => {
    const { body: accepted } = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'run' },
        requirements: { tier: 'fast' },
      })
      .expect(202);
    expect((accepted as EnqueuedTask).queue).toBe(`${GENERIC}.locale-en.tier-fast`);
    const res = await request(h.app)
      .get(`/v1/tasks/${(accepted as EnqueuedTask).id}`)
      .expect(200);
    expect(res.body).toMatchObject({
      id: (accepted as EnqueuedTask).id,
      status: 'queued',
      queue: `${GENERIC}.locale-en.tier-fast`,
      input: { text: 'run' },
    });
  });

  it('answers 422 unknown_requirements naming a label nobody declares, and makes no pool of it', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'x' },
        requirements: { tier: 'fast', region: 'mars' },
      })
      .expect(422);
    expect(res.body.error).toMatchObject({
      code: 'unknown_requirements',
      message:
        "unknown label region=mars for 'narrative.generate': neither a live agent nor config declares it",
      details: { unknown: { region: 'mars' } },
    });
    const body = await preview('capability=narrative.generate&requirements=region:mars');
    expect(body.chosen.queue).toBeNull();
    expect(await h.services.router.refreshQueues()).not.toContain(`${GENERIC}.region-mars`);
  });

  it('reads back a task of a pool no live agent serves', async () => {
    const { body: accepted } = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'x' },
        requirements: { tier: 'slow' },
      })
      .expect(202);
    expect((accepted as EnqueuedTask).queue).toBe(`${GENERIC}.tier-slow`);
    await request(h.app)
      .get(`/v1/tasks/${(accepted as EnqueuedTask).id}`)
      .expect(200);
  });

  it('lists the pool queues of each capability with labels, live agents, capacity and depth', async () => {
    const res = await request(h.app).get('/v1/capabilities').expect(200);
    const { capabilities } = res.body as { capabilities: CapabilityOverview[] };
    const narrative = capabilities.find((c) => c.name === 'narrative.generate');
    expect(narrative).toMatchObject({ queue: GENERIC, liveAgents: 3, capacity: 14 });
    const byQueue = new Map(narrative?.queues.map((q) => [q.queue, q]));
    expect(narrative?.queues[0]?.queue).toBe(GENERIC);
    expect([...byQueue.keys()].sort()).toEqual(
      [
        GENERIC,
        `${GENERIC}.locale-en`,
        `${GENERIC}.locale-en.tier-fast`,
        `${GENERIC}.tier-fast`,
        `${GENERIC}.tier-quality`,
        `${GENERIC}.tier-slow`,
      ].sort(),
    );
    expect(byQueue.get(`${GENERIC}.tier-fast`)).toMatchObject({
      labels: { tier: 'fast' },
      liveAgents: 2,
      capacity: 6,
      depth: { waiting: 1 },
    });
    expect(byQueue.get(`${GENERIC}.tier-slow`)).toMatchObject({
      labels: { tier: 'slow' },
      liveAgents: 0,
      capacity: 0,
      depth: { waiting: 1 },
    });
    expect(narrative?.depth.waiting).toBe(3);
    const parse = capabilities.find((c) => c.name === 'input.parse');
    expect(parse?.queues.map((q) => q.queue)).toEqual(['cap.input.parse']);
  });

  it.each([
    ['no capability', 'requirements=tier:fast', 'query.capability'],
    [
      'a pair without a value',
      'capability=narrative.generate&requirements=tier',
      'query.requirements',
    ],
    [
      'a key twice',
      'capability=narrative.generate&requirements=tier:a,tier:b',
      'query.requirements',
    ],
    [
      '4 labels',
      'capability=narrative.generate&requirements=a:1,b:2,c:3,d:4',
      'query.requirements',
    ],
    [
      'a bad value',
      'capability=narrative.generate&requirements=tier:f%20st',
      'query.requirements.tier',
    ],
    ['an unknown parameter', 'capability=narrative.generate&colour=red', 'query'],
    ['a repeated capability', 'capability=a&capability=b', 'query.capability'],
  ])('answers 400 invalid_input naming the field for %s', async (_what, query, field) => {
    const res = await request(h.app).get(`/v1/routing/preview?${query}`).expect(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      details: { issues: [expect.objectContaining({ path: field })] },
    });
  });

  it('answers 422 unknown_capability for a capability outside the catalog', async () => {
    const res = await request(h.app)
      .get('/v1/routing/preview?capability=dream.weave&requirements=tier:fast')
      .expect(422);
    expect(res.body.error).toMatchObject({ code: 'unknown_capability' });
  });
});

describe("with routing.noLiveAgent 'refuse'", () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({
      overrides: {
        registry: { ttlMs: TTL_MS },
        routing: { noLiveAgent: 'refuse' },
        capabilities: { 'narrative.generate': { pools: [{ tier: 'fast' }] } },
      },
    });
    await registerAgent(h, 'quality-1', { tier: 'quality' }, 8);
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers 503 no_live_agent for requirements no live agent satisfies, and enqueues nothing', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'x' },
        requirements: { tier: 'fast' },
      })
      .expect(503);
    expect(res.body.error).toMatchObject({
      code: 'no_live_agent',
      details: { capability: 'narrative.generate', requirements: { tier: 'fast' } },
    });
    expect(await h.jobTotal()).toBe(0);
  });

  it('answers 422 unknown_requirements, not 503, for labels nobody declares', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'x' },
        requirements: { tier: 'turbo' },
      })
      .expect(422);
    expect(res.body.error).toMatchObject({ code: 'unknown_requirements' });
    expect(await h.jobTotal()).toBe(0);
  });

  it('previews the refusal', async () => {
    const res = await request(h.app)
      .get('/v1/routing/preview?capability=narrative.generate&requirements=tier:fast')
      .expect(200);
    expect((res.body as RoutePreview).chosen).toEqual({
      queue: null,
      reason:
        'no live agent serves narrative.generate with tier=fast: refused (routing.noLiveAgent is refuse)',
    });
  });

  it('accepts a task whose requirements a live agent satisfies', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'x' },
        requirements: { tier: 'quality' },
      })
      .expect(202);
    expect((res.body as EnqueuedTask).queue).toBe(`${GENERIC}.tier-quality`);
  });
});
