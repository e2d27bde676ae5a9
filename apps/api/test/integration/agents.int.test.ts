import { AgentRegistry, type AgentInfo, type AgentRegistration } from '@tta/core';
import { createTestRedis } from '@tta/test-utils';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import request from 'supertest';
import type { CapabilityDetail, CapabilityOverview } from '@tta/contracts';
import { startApiHarness, type ApiHarness } from './api-harness';

const TTL_MS = 60_000;

let h: ApiHarness;
let workerRedis: Redis;
let registry: AgentRegistry;

function agent(id: string, type: string, capabilities: string[], concurrency: number) {
  const registration: AgentRegistration = {
    id,
    type,
    capabilities,
    labels: {},
    queues: capabilities.map((c) => `cap.${c}`),
    concurrency,
    host: 'test-host',
    pid: 4242,
    version: '0.1.0',
    startedAt: Date.now(),
  };
  return registration;
}

const parser = agent('parser-1', 'input-processor', ['input.parse', 'safety.screen'], 8);
const draining = agent('parser-2', 'input-processor', ['input.parse', 'safety.screen'], 16);
const narrator = agent('narrator-1', 'narrative-generator', ['narrative.generate'], 4);

beforeAll(async () => {
  h = await startApiHarness({ overrides: { registry: { ttlMs: TTL_MS } } });
  workerRedis = createTestRedis('worker');
  // Agents register as workers do: on their own connection, under the API's prefix.
  registry = new AgentRegistry(workerRedis, { names: h.services.names, ttlMs: TTL_MS });
  for (const a of [parser, draining, narrator]) await registry.register(a);
  await registry.heartbeat(parser.id, { status: 'ready', activeJobs: 2 });
  await registry.heartbeat(draining.id, { status: 'draining', activeJobs: 0 });
});

afterAll(async () => {
  await workerRedis.quit();
  await h.close();
});

const ids = (body: unknown) => (body as { agents: AgentInfo[] }).agents.map((a) => a.id).sort();

describe('GET /v1/agents', () => {
  it('lists every live agent with its registration and state', async () => {
    const res = await request(h.app).get('/v1/agents').expect(200);
    expect(ids(res.body)).toEqual(['narrator-1', 'parser-1', 'parser-2']);
    const listed = (res.body as { agents: AgentInfo[] }).agents.find((a) => a.id === 'parser-1');
    expect(listed).toMatchObject({
      ...parser,
      status: 'ready',
      activeJobs: 2,
      lastHeartbeatAt: expect.any(Number),
    });
  });

  it.each([
    ['type=input-processor', ['parser-1', 'parser-2']],
    ['type=narrative-generator', ['narrator-1']],
    ['capability=safety.screen', ['parser-1', 'parser-2']],
    ['capability=world.update', []],
    ['status=draining', ['parser-2']],
    ['status=starting', ['narrator-1']],
    ['type=input-processor&status=ready&capability=input.parse', ['parser-1']],
  ])('filters by %s', async (query, expected) => {
    const res = await request(h.app).get(`/v1/agents?${query}`).expect(200);
    expect(ids(res.body)).toEqual(expected);
  });

  it.each([
    ['an unknown status', 'status=asleep', 'query.status'],
    ['an unknown filter', 'colour=red', 'query'],
    ['a repeated filter', 'type=a&type=b', 'query.type'],
  ])('answers 400 invalid_input for %s', async (_what, query, field) => {
    const res = await request(h.app).get(`/v1/agents?${query}`).expect(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      details: { issues: [expect.objectContaining({ path: field })] },
    });
  });
});

describe('GET /v1/agents/:id', () => {
  it('returns one live agent', async () => {
    const res = await request(h.app).get('/v1/agents/narrator-1').expect(200);
    expect(res.body).toMatchObject({ ...narrator, status: 'starting', activeJobs: 0 });
  });

  it('answers 404 not_found for an unknown agent', async () => {
    const res = await request(h.app).get('/v1/agents/ghost-1').expect(404);
    expect(res.body.error).toMatchObject({
      code: 'not_found',
      details: { kind: 'agent', id: 'ghost-1' },
    });
  });
});

describe('GET /v1/capabilities', () => {
  beforeAll(async () => {
    const task = (text: string, extra: object = {}) => ({
      capability: 'input.parse',
      input: { text },
      ...extra,
    });
    const tasks = [task('a'), task('b'), task('c'), task('d', { delayMs: 60_000 })];
    tasks.push(task('e', { priority: 3 }));
    await request(h.app).post('/v1/tasks/batch').send({ tasks }).expect(202);
    // Take two jobs as an agent would: complete one, keep the other active.
    const worker = new Worker('cap.input.parse', null, {
      connection: workerRedis,
      prefix: h.services.names.prefix,
    });
    const done = await worker.getNextJob('token-1');
    await done?.moveToCompleted({ ok: true }, 'token-1', false);
    await worker.getNextJob('token-2');
    await worker.close();
  });

  it('shows each capability with live agents, capacity and queue depth', async () => {
    const res = await request(h.app).get('/v1/capabilities').expect(200);
    const { capabilities } = res.body as { capabilities: CapabilityOverview[] };
    const byName = new Map(capabilities.map((c) => [c.name, c]));
    expect([...byName.keys()]).toEqual([
      'input.parse',
      'narrative.generate',
      'safety.screen',
      'world.read',
      'world.update',
    ]);
    expect(byName.get('input.parse')).toEqual({
      name: 'input.parse',
      agentType: 'input-processor',
      description: h.config.capabilities['input.parse']?.description,
      queue: 'cap.input.parse',
      liveAgents: 1,
      capacity: 8,
      depth: { waiting: 1, active: 1, delayed: 1, prioritized: 1, completed: 1, failed: 0 },
      queues: [
        {
          queue: 'cap.input.parse',
          labels: {},
          liveAgents: 1,
          capacity: 8,
          depth: { waiting: 1, active: 1, delayed: 1, prioritized: 1, completed: 1, failed: 0 },
        },
      ],
    });
    expect(byName.get('narrative.generate')).toMatchObject({ liveAgents: 1, capacity: 4 });
    expect(byName.get('world.update')).toMatchObject({
      agentType: 'world-builder',
      liveAgents: 0,
      capacity: 0,
      depth: { waiting: 0, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0 },
    });
  });
});

describe('GET /v1/capabilities/:name', () => {
  it('shows one capability with its schemas, queues and live agents', async () => {
    const res = await request(h.app).get('/v1/capabilities/input.parse').expect(200);
    const detail = res.body as CapabilityDetail;
    expect(detail).toMatchObject({
      name: 'input.parse',
      agentType: 'input-processor',
      queue: 'cap.input.parse',
      liveAgents: 1,
      capacity: 8,
      queues: [{ queue: 'cap.input.parse', labels: {}, liveAgents: 1, capacity: 8 }],
    });
    expect(detail.agents.map((a) => [a.id, a.status]).sort()).toEqual([
      ['parser-1', 'ready'],
      ['parser-2', 'draining'],
    ]);
    expect(detail.inputSchema).toMatchObject({
      type: 'object',
      properties: { text: expect.objectContaining({ type: 'string' }) },
      required: expect.arrayContaining(['text']),
    });
    expect(detail.outputSchema).toMatchObject({ type: 'object' });
  });

  it('answers 404 not_found for a capability the catalog does not hold', async () => {
    const res = await request(h.app).get('/v1/capabilities/no.such').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('an agent whose registry entry is corrupt', () => {
  const key = () => h.services.names.key('registry', 'agent', 'broken-1');

  beforeAll(async () => {
    await workerRedis.hset(key(), { id: 'broken-1', type: 'x', capabilities: '{not json' });
    await workerRedis.zadd(h.services.names.key('registry', 'agents'), Date.now(), 'broken-1');
  });

  afterAll(async () => {
    await registry.deregister({ id: 'broken-1', type: 'x' });
  });

  it('answers 500 internal_error (not 503) without revealing the cause, and logs it with its stack and request id', async () => {
    const res = await request(h.app).get('/v1/agents').expect(500);
    const requestId = res.headers['x-request-id'] as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toEqual({
      error: { code: 'internal_error', message: 'internal error', requestId },
    });
    const logged = h.logs.find((line) => line.level === 'error');
    expect(logged).toMatchObject({
      message: 'request failed',
      method: 'GET',
      path: '/v1/agents',
      requestId,
    });
    expect(logged?.stack).toEqual(expect.stringContaining('JSON'));
  });
});
