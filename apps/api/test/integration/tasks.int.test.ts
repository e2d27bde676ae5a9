import { TaskId } from '@tta/core';
import { type EnqueuedTask } from '@tta/contracts';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({
    overrides: {
      api: { bodyLimitBytes: 8192, maxBatchSize: 5 },
      agents: { 'narrative-generator': { labels: { tier: 'fast' } } },
    },
  });
});

afterAll(async () => {
  await h.close();
});

const parse = (text: string) => ({ capability: 'input.parse', input: { text } });

describe('POST /v1/tasks', () => {
  it('answers 202 once the job is in the queue of its capability and requirements, with its data and options', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'I open the door' },
        priority: 5,
        sessionId: 'session-1',
        timeoutMs: 2000,
        requirements: { tier: 'fast' },
      })
      .expect(202);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cap\.narrative\.generate\.tier-fast~[0-9a-f-]{36}$/),
      status: 'queued',
      capability: 'narrative.generate',
      queue: 'cap.narrative.generate.tier-fast',
    });
    const job = await h
      .queue('cap.narrative.generate.tier-fast')
      .getJob((res.body as EnqueuedTask).id);
    expect(job?.name).toBe('narrative.generate');
    expect(job?.data).toMatchObject({
      capability: 'narrative.generate',
      input: { text: 'I open the door' },
      sessionId: 'session-1',
      requirements: { tier: 'fast' },
      timeoutMs: 2000,
    });
    expect(job?.opts).toMatchObject({ priority: 5, attempts: 3 });
    expect(await job?.getState()).toBe('prioritized');
  });

  it('applies the capability defaults and a delay', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({ ...parse('look'), delayMs: 60_000 })
      .expect(202);
    const job = await h.queue('cap.input.parse').getJob((res.body as EnqueuedTask).id);
    expect(job?.data.timeoutMs).toBe(10_000);
    expect(job?.opts.delay).toBe(60_000);
    expect(await job?.getState()).toBe('delayed');
  });
});

describe('GET /v1/tasks/:id', () => {
  it('returns a queued task with its input and timings', async () => {
    const before = Date.now();
    const { body: accepted } = await request(h.app)
      .post('/v1/tasks')
      .send({ ...parse('take the lantern'), sessionId: 's-2' })
      .expect(202);
    const res = await request(h.app).get(`/v1/tasks/${accepted.id}`).expect(200);
    expect(res.body).toMatchObject({
      id: accepted.id,
      status: 'queued',
      capability: 'input.parse',
      queue: 'cap.input.parse',
      input: { text: 'take the lantern' },
      sessionId: 's-2',
      attempts: 0,
      runs: 0,
    });
    expect(res.body.timings.enqueuedAt).toBeGreaterThanOrEqual(before);
    expect(res.body.timings.enqueuedAt).toBeLessThanOrEqual(Date.now());
    expect(res.body.result).toBeUndefined();
  });

  it.each([
    ['an unknown id', TaskId.create('cap.input.parse')],
    ['a malformed id', 'not-a-task-id'],
    ['an id of a queue outside the catalog', TaskId.create('cap.nothing')],
  ])('answers 404 not_found for %s', async (_what, id) => {
    const res = await request(h.app).get(`/v1/tasks/${id}`).expect(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', details: { kind: 'task', id } });
  });
});

describe('POST /v1/tasks/batch', () => {
  it('enqueues every task and answers their ids in order', async () => {
    const tasks = [
      parse('north'),
      parse('south'),
      { ...parse('hello'), capability: 'safety.screen' },
    ];
    const res = await request(h.app).post('/v1/tasks/batch').send({ tasks }).expect(202);
    const accepted = (res.body as { tasks: EnqueuedTask[] }).tasks;
    expect(accepted.map((t) => t.queue)).toEqual([
      'cap.input.parse',
      'cap.input.parse',
      'cap.safety.screen',
    ]);
    for (const [i, task] of accepted.entries()) {
      const job = await h.queue(task.queue).getJob(task.id);
      expect(job?.data.input).toEqual(tasks[i]?.input);
    }
  });
});

describe('idempotency keys', () => {
  const body = { ...parse('wave'), idempotencyKey: 'turn-42' };

  it('answers the same id for a replay and stores one job', async () => {
    const first = await request(h.app).post('/v1/tasks').send(body).expect(202);
    const before = await h.queue('cap.input.parse').getJobCounts();
    const second = await request(h.app).post('/v1/tasks').send(body).expect(202);
    expect(second.body.id).toBe(first.body.id);
    expect(await h.queue('cap.input.parse').getJobCounts()).toEqual(before);
  });

  it('answers 409 idempotency_conflict when the key is reused for another task', async () => {
    const totalBefore = await h.jobTotal();
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({ ...body, input: { text: 'wave twice' } })
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: 'idempotency_conflict',
      details: { idempotencyKey: 'turn-42' },
    });
    expect(await h.jobTotal()).toBe(totalBefore);
  });
});
