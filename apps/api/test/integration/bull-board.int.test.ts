import { AgentRegistry, agentQueues, type AgentRegistration } from '@tta/core';
import { createTestRedis } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const TTL_MS = 60_000;

let h: ApiHarness;
let workerRedis: Redis;
let registry: AgentRegistry;

interface BoardQueue {
  name: string;
  readOnlyMode: boolean;
  description?: string;
  counts: Record<string, number>;
}

function agent(id: string, labels: Record<string, string>): AgentRegistration {
  return {
    id,
    type: 'narrative-generator',
    capabilities: ['narrative.generate'],
    labels,
    queues: agentQueues(h.services.names, ['narrative.generate'], labels),
    concurrency: 4,
    host: 'test-host',
    pid: 1,
    version: '0.1.0',
    startedAt: Date.now(),
  };
}

async function boardQueues(): Promise<Map<string, BoardQueue>> {
  const res = await request(h.app).get('/admin/queues/api/queues').expect(200);
  const { queues } = res.body as { queues: BoardQueue[] };
  return new Map(queues.map((q) => [q.name, q]));
}

beforeAll(async () => {
  h = await startApiHarness({
    overrides: { registry: { ttlMs: TTL_MS }, routing: { snapshotTtlMs: 0 } },
  });
  workerRedis = createTestRedis('worker');
  registry = new AgentRegistry(workerRedis, { names: h.services.names, ttlMs: TTL_MS });
  await registry.register(agent('fast-1', { tier: 'fast' }));
});

afterAll(async () => {
  await workerRedis.quit();
  await h.close();
});

describe('Bull Board at /admin/queues', () => {
  it('serves its page to an admin', async () => {
    const res = await request(h.app).get('/admin/queues').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('/admin/queues/');
  });

  it('lists every capability queue, the known pools, workflow and a read-only dead-letter', async () => {
    await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'hello' } })
      .expect(202);
    const queues = await boardQueues();
    for (const capability of h.services.catalog.names()) {
      expect(queues.get(`cap.${capability}`)?.readOnlyMode).toBe(false);
    }
    expect(queues.get('cap.input.parse')?.counts.waiting).toBe(1);
    expect(queues.get('cap.narrative.generate.tier-fast')).toMatchObject({
      readOnlyMode: false,
      description: expect.stringContaining('Pool tier=fast'),
    });
    expect(queues.get('workflow')?.readOnlyMode).toBe(false);
    expect(queues.get('dead-letter')?.readOnlyMode).toBe(true);
  });

  it('shows a pool that appeared since on its next poll', async () => {
    expect((await boardQueues()).has('cap.narrative.generate.locale-en')).toBe(false);
    await registry.register(agent('en-1', { locale: 'en' }));
    expect((await boardQueues()).has('cap.narrative.generate.locale-en')).toBe(true);
  });

  it('refuses to change the dead-letter queue', async () => {
    const res = await request(h.app)
      .put('/admin/queues/api/queues/dead-letter/pause')
      .set('Content-Type', 'application/json')
      .send({});
    expect(res.status).toBe(405);
  });

  it('refuses a change from another site, and clients without admin', async () => {
    await request(h.app)
      .put('/admin/queues/api/queues/cap.input.parse/pause')
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(await h.queue('cap.input.parse').isPaused()).toBe(false);
    await request(h.rawApp)
      .get('/admin/queues/api/queues')
      .set('Accept', 'application/json')
      .expect(401);
    const page = await request(h.rawApp).get('/admin/queues').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/login');
  });

  it('lets an admin pause a capability queue', async () => {
    await request(h.app).put('/admin/queues/api/queues/cap.world.read/pause').expect(200);
    expect(await h.queue('cap.world.read').isPaused()).toBe(true);
  });
});
