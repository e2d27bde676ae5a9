import {
  AgentRegistry,
  drainKey,
  parseAgentCommand,
  type AgentCommand,
  type AgentRegistration,
} from '@tta/core';
import { createTestRedis, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const TTL_MS = 60_000;

let h: ApiHarness;
let workerRedis: Redis;
let subscriber: Redis;
let registry: AgentRegistry;
const published: AgentCommand[] = [];

function agent(id: string, labels: Record<string, string> = {}): AgentRegistration {
  return {
    id,
    type: 'narrative-generator',
    capabilities: ['narrative.generate'],
    labels,
    queues: ['cap.narrative.generate'],
    concurrency: 4,
    host: 'test-host',
    pid: 4242,
    version: '0.1.0',
    startedAt: Date.now(),
  };
}

beforeAll(async () => {
  h = await startApiHarness({
    overrides: { registry: { ttlMs: TTL_MS }, routing: { snapshotTtlMs: 0 } },
    apiKeys: [{ id: 'writer', key: 'writer-key', scopes: ['tasks:write', 'agents:read'] }],
  });
  workerRedis = createTestRedis('worker');
  registry = new AgentRegistry(workerRedis, { names: h.services.names, ttlMs: TTL_MS });
  await registry.register(agent('narrator-1'));
  await registry.register(agent('narrator-2'));
  await registry.heartbeat('narrator-2', { status: 'draining', activeJobs: 1 });
  await registry.register(agent('narrator-old'));
  await registry.deregister({ id: 'narrator-old', type: 'narrative-generator' }, 'drained: test');
  subscriber = createTestRedis('worker');
  subscriber.on('message', (_channel: string, text: string) => {
    const command = parseAgentCommand(text);
    if (command) published.push(command);
  });
  await subscriber.subscribe(h.services.names.key('agent-control'));
});

afterAll(async () => {
  await subscriber.quit();
  await workerRedis.quit();
  await h.close();
});

const readDrain = async (id: string) =>
  parseAgentCommand(await workerRedis.get(drainKey(h.services.names, id)));

describe('GET /admin/agents', () => {
  it('shows live agents, the draining one as such, and gone ones greyed', async () => {
    const res = await request(h.app).get('/admin/agents').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const page = res.text.replace(/\s+/g, ' ');
    expect(page).toContain('<tr data-agent-id="narrator-1">');
    expect(page).toContain('<span class="status status-draining">draining</span>');
    expect(page).toMatch(
      /<tr class="gone" data-agent-id="narrator-old">.*<td>left<\/td>.*<td class="wrap">drained: test<\/td>/,
    );
    expect(page).toContain('<a href="/admin/queues">');
  });

  it('sends a browser without credentials to the login form, and refuses an API client', async () => {
    const page = await request(h.rawApp).get('/admin/agents').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fagents');
    await request(h.rawApp).get('/admin/agents').set('Accept', 'application/json').expect(401);
    await request(h.rawApp).get('/admin/agents').set('X-API-Key', 'writer-key').expect(403);
  });
});

describe('POST /admin/agents/:id/drain', () => {
  it('asks the agent to drain, naming the key, and goes back to the page saying so', async () => {
    const res = await request(h.app)
      .post('/admin/agents/narrator-1/drain')
      .type('form')
      .send('')
      .expect(303);
    expect(res.headers.location).toBe('/admin/agents?drained=narrator-1');
    expect(await readDrain('narrator-1')).toMatchObject({
      agentId: 'narrator-1',
      reason: 'requested on the agents page by key harness-admin',
    });
    await waitFor(() => published.some((c) => c.agentId === 'narrator-1'), {
      what: 'the drain command on the channel',
    });
    const page = await request(h.app).get(res.headers.location!).expect(200);
    expect(page.text).toContain('Drain requested for narrator-1');
  });

  it('goes back to the page with an error for an agent that is not live', async () => {
    const res = await request(h.app).post('/admin/agents/narrator-old/drain').expect(303);
    expect(res.headers.location).toBe('/admin/agents?gone=narrator-old');
    expect(await readDrain('narrator-old')).toBeUndefined();
  });

  it('refuses a drain posted from another site, and writes nothing', async () => {
    const res = await request(h.app)
      .post('/admin/agents/narrator-2/drain')
      .set('Origin', 'https://evil.example')
      .expect(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden' });
    expect(await readDrain('narrator-2')).toBeUndefined();
  });

  it('accepts a drain posted from the page itself', async () => {
    const server = request(h.app).post('/admin/agents/narrator-2/drain');
    const res = await server.set('Origin', 'http://127.0.0.1').set('Host', '127.0.0.1');
    expect(res.status).toBe(303);
    expect(await readDrain('narrator-2')).toMatchObject({ agentId: 'narrator-2' });
  });
});

describe('POST /v1/agents/:id/drain', () => {
  beforeAll(async () => {
    await registry.register(agent('narrator-3'));
  });

  it('answers 202 and records the request with the reason given', async () => {
    const res = await request(h.app)
      .post('/v1/agents/narrator-3/drain')
      .send({ reason: 'rolling restart' })
      .expect(202);
    expect(res.body).toEqual({
      id: 'narrator-3',
      status: 'drain_requested',
      reason: 'rolling restart',
      requestedAt: expect.any(Number),
    });
    expect(await readDrain('narrator-3')).toMatchObject({ reason: 'rolling restart' });
    const ttl = await workerRedis.pttl(drainKey(h.services.names, 'narrator-3'));
    expect(ttl).toBeGreaterThan(h.config.admin.drainRequestTtlMs - 10_000);
  });

  it('answers 202 without a body, naming the key in the reason', async () => {
    const res = await request(h.app).post('/v1/agents/narrator-3/drain').expect(202);
    expect(res.body.reason).toBe('requested through the API by key harness-admin');
  });

  it('answers 404 for an agent that is not live', async () => {
    const res = await request(h.app).post('/v1/agents/ghost-1/drain').expect(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', details: { kind: 'agent' } });
  });

  it('answers 400 for an invalid body, and 403 for a key without admin', async () => {
    const bad = await request(h.app).post('/v1/agents/narrator-3/drain').send({ reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.reason');
    await request(h.rawApp)
      .post('/v1/agents/narrator-3/drain')
      .set('X-API-Key', 'writer-key')
      .expect(403);
  });
});
