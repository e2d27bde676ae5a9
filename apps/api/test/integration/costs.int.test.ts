import type { CostEntry } from '@tta/core';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;
const READER = { id: 'reader', key: `reader-${Date.now()}-key`, scopes: ['tasks:read' as const] };
const AGENTS = { id: 'agents', key: `agents-${Date.now()}-key`, scopes: ['agents:read' as const] };

beforeAll(async () => {
  h = await startApiHarness({
    overrides: { costs: { budgets: { sessionUsd: 0.05 } } },
    apiKeys: [READER, AGENTS],
  });
});

afterAll(async () => {
  await h.close();
});

const call = { inputTokens: 100, outputTokens: 40 };
const record = (entry: Partial<CostEntry> & Pick<CostEntry, 'taskId' | 'costUsd'>) =>
  h.services.costs.record({ agentType: 'narrative-generator', model: 'big', ...call, ...entry });

describe('GET /v1/costs', () => {
  beforeAll(async () => {
    await record({ taskId: 't1', sessionId: 'alpha', costUsd: 0.01 });
    await record({
      taskId: 't2',
      sessionId: 'alpha',
      agentType: 'input-processor',
      model: 'small',
      costUsd: 0.001,
    });
    await record({ taskId: 't3', sessionId: 'beta', costUsd: 0.02 });
    await record({ taskId: 't4', sessionId: 'old', costUsd: 5, at: Date.now() - 30 * 3_600_000 });
  });

  it('reports the last 24 hours in total and by session, agent type and model', async () => {
    const res = await request(h.app).get('/v1/costs').expect(200);
    expect(res.body).toEqual({
      from: expect.any(String),
      to: expect.any(String),
      total: { inputTokens: 300, outputTokens: 120, costUsd: 0.031 },
      bySession: {
        alpha: { inputTokens: 200, outputTokens: 80, costUsd: 0.011 },
        beta: { inputTokens: 100, outputTokens: 40, costUsd: 0.02 },
      },
      byAgentType: {
        'input-processor': { inputTokens: 100, outputTokens: 40, costUsd: 0.001 },
        'narrative-generator': { inputTokens: 200, outputTokens: 80, costUsd: 0.03 },
      },
      byModel: {
        big: { inputTokens: 200, outputTokens: 80, costUsd: 0.03 },
        small: { inputTokens: 100, outputTokens: 40, costUsd: 0.001 },
      },
    });
    const body = res.body as { from: string; to: string };
    const hours = (Date.parse(body.to) - Date.parse(body.from)) / 3_600_000;
    expect(hours).toBeGreaterThanOrEqual(24);
    expect(hours).toBeLessThanOrEqual(26);
  });

  it('filters by session, agent type and model', async () => {
    const bySession = await request(h.app).get('/v1/costs?sessionId=alpha').expect(200);
    expect(bySession.body.total).toEqual({ inputTokens: 200, outputTokens: 80, costUsd: 0.011 });
    expect(Object.keys(bySession.body.bySession as object)).toEqual(['alpha']);
    const byAgent = await request(h.app)
      .get('/v1/costs')
      .query({ agentType: 'narrative-generator', sessionId: 'alpha' })
      .expect(200);
    expect(byAgent.body.total).toEqual({ inputTokens: 100, outputTokens: 40, costUsd: 0.01 });
    const byModel = await request(h.app).get('/v1/costs?model=small').expect(200);
    expect(byModel.body.byModel).toEqual({
      small: { inputTokens: 100, outputTokens: 40, costUsd: 0.001 },
    });
  });

  it('takes the window as ISO times or epoch milliseconds', async () => {
    const from = new Date(Date.now() - 48 * 3_600_000).toISOString();
    const wide = await request(h.app).get('/v1/costs').query({ from }).expect(200);
    expect(wide.body.bySession.old).toEqual({ inputTokens: 100, outputTokens: 40, costUsd: 5 });
    const to = String(Date.now() - 40 * 3_600_000);
    const before = await request(h.app).get('/v1/costs').query({ from: '0', to }).expect(200);
    expect(before.body.total).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });

  it('answers 400 naming the field for a bad window or an unknown filter', async () => {
    const bad = await request(h.app).get('/v1/costs?from=yesterday').expect(400);
    expect(bad.body.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^invalid query\.from:/),
    });
    const reversed = await request(h.app).get('/v1/costs?from=2000&to=1000').expect(400);
    expect(reversed.body.error.message).toBe('invalid query.from: must be before to');
    const unknown = await request(h.app).get('/v1/costs?task=1').expect(400);
    expect(unknown.body.error.code).toBe('invalid_input');
  });

  it('needs scope tasks:read', async () => {
    await request(h.rawApp).get('/v1/costs').set('x-api-key', READER.key).expect(200);
    await request(h.rawApp).get('/v1/costs').set('x-api-key', AGENTS.key).expect(403);
  });
});

describe('session budget at enqueue', () => {
  beforeAll(async () => {
    await record({ taskId: 'spent-1', sessionId: 'spender', costUsd: 0.05 });
  });

  it('refuses a task of a session that spent its budget with 429, enqueuing nothing', async () => {
    const before = await h.jobTotal();
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'look' }, sessionId: 'spender' })
      .expect(429);
    expect(res.body.error).toMatchObject({
      code: 'budget_exceeded',
      message: "session budget exceeded: session 'spender' has spent 0.05 USD of its 0.05 USD",
      details: { budget: 'session', sessionId: 'spender', limitUsd: 0.05, spentUsd: 0.05 },
    });
    const batch = await request(h.app)
      .post('/v1/tasks/batch')
      .send({
        tasks: [
          { capability: 'input.parse', input: { text: 'look' }, sessionId: 'alpha' },
          { capability: 'input.parse', input: { text: 'look' }, sessionId: 'spender' },
        ],
      })
      .expect(429);
    expect(batch.body.error.code).toBe('budget_exceeded');
    const run = await request(h.app)
      .post('/v1/workflows/player-turn/runs')
      .send({ input: { text: 'look' }, sessionId: 'spender' })
      .expect(429);
    expect(run.body.error.code).toBe('budget_exceeded');
    expect(await h.jobTotal()).toBe(before);
    expect(await h.queue('workflow').count()).toBe(0);
  });

  it('accepts tasks of sessions under budget and without a session', async () => {
    await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'look' }, sessionId: 'alpha' })
      .expect(202);
    await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'look' } })
      .expect(202);
  });
});

describe('a task budget in the request', () => {
  it('is stored in the job data', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'look' }, budgetUsd: 0.002 })
      .expect(202);
    const job = await h.queue('cap.input.parse').getJob((res.body as { id: string }).id);
    expect(job?.data).toMatchObject({ budgetUsd: 0.002 });
  });

  it('must be a positive number', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'look' }, budgetUsd: 0 })
      .expect(400);
    expect(res.body.error.message).toMatch(/^invalid budgetUsd:/);
  });
});
