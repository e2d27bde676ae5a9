import { TaskId } from '@tta/core';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const task = { capability: 'input.parse', input: { text: 'look' } };

describe('with Redis up', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers /healthz and /readyz with 200', async () => {
    expect((await request(h.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
    expect((await request(h.app).get('/readyz').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('logs each request at debug with method, route, status and duration, never the body', async () => {
    const secret = 'my-private-words';
    const { body } = await request(h.app)
      .post('/v1/tasks')
      .send({ ...task, input: { text: secret } })
      .expect(202);
    await request(h.app).get(`/v1/tasks/${body.id}`).expect(200);
    const lines = h.logs.filter((line) => line.message === 'request');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'debug',
          method: 'POST',
          route: '/v1/tasks',
          status: 202,
        }),
        expect.objectContaining({ method: 'GET', route: '/v1/tasks/:id', status: 200 }),
      ]),
    );
    for (const line of lines) expect(line.ms).toEqual(expect.any(Number));
    expect(JSON.stringify(h.logs)).not.toContain(secret);
    expect(JSON.stringify(h.logs)).not.toContain(body.id);
  });
});

describe('with Redis down', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ redisUrl: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers POST /v1/tasks with 503 redis_unavailable within a second', async () => {
    const startedAt = Date.now();
    const res = await request(h.app).post('/v1/tasks').send(task).expect(503);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(res.body.error.code).toBe('redis_unavailable');
    expect(res.headers['retry-after']).toBe('1');
  });

  it.each([
    [
      'POST /v1/tasks/batch',
      () =>
        request(h.app)
          .post('/v1/tasks/batch')
          .send({ tasks: [task] }),
    ],
    [
      'GET /v1/tasks/:id',
      () => request(h.app).get(`/v1/tasks/${TaskId.create('cap.input.parse')}`),
    ],
    ['GET /v1/agents', () => request(h.app).get('/v1/agents')],
    ['GET /v1/agents/:id', () => request(h.app).get('/v1/agents/agent-1')],
    ['GET /v1/capabilities', () => request(h.app).get('/v1/capabilities')],
    ['GET /readyz', () => request(h.app).get('/readyz')],
  ])('answers %s with 503 redis_unavailable', async (_what, send) => {
    const startedAt = Date.now();
    const res = await send();
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('redis_unavailable');
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it('still answers /healthz with 200', async () => {
    expect((await request(h.app).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('still refuses bad input with 400 before touching Redis', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({ ...task, priority: 0 })
      .expect(400);
    expect(res.body.error.code).toBe('invalid_input');
  });
});

describe('with Redis down and config refusing tasks nobody serves', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({
      redisUrl: 'redis://127.0.0.1:1',
      overrides: { routing: { noLiveAgent: 'refuse' } },
    });
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers 503 redis_unavailable, not an internal error', async () => {
    const res = await request(h.app).post('/v1/tasks').send(task).expect(503);
    expect(res.body.error.code).toBe('redis_unavailable');
    const batch = await request(h.app)
      .post('/v1/tasks/batch')
      .send({ tasks: [task] })
      .expect(503);
    expect(batch.body.error.code).toBe('redis_unavailable');
  });
});

describe('with config refusing tasks nobody serves', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ overrides: { routing: { noLiveAgent: 'refuse' } } });
  });

  afterAll(async () => {
    await h.close();
  });

  it('answers 503 no_live_agent and enqueues nothing', async () => {
    const res = await request(h.app).post('/v1/tasks').send(task).expect(503);
    expect(res.body.error).toMatchObject({
      code: 'no_live_agent',
      details: { capability: 'input.parse' },
    });
    expect(await h.jobTotal()).toBe(0);
  });
});
