import type { EnqueuedTask } from '@tta/contracts';
import { waitFor } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const QUEUE = 'cap.input.parse';
const parse = (text: string) => ({ capability: 'input.parse', input: { text } });

describe('idempotency keys over HTTP', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('takes the key from the Idempotency-Key header as from the body', async () => {
    const first = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'header-1')
      .send(parse('wave'))
      .expect(202);
    const total = await h.jobTotal();
    const byBody = await request(h.app)
      .post('/v1/tasks')
      .send({ ...parse('wave'), idempotencyKey: 'header-1' })
      .expect(202);
    const byBoth = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'header-1')
      .send({ ...parse('wave'), idempotencyKey: 'header-1' })
      .expect(202);
    expect(byBody.body).toEqual(first.body);
    expect(byBoth.body).toEqual(first.body);
    expect(await h.jobTotal()).toBe(total);
    const job = await h.queue(QUEUE).getJob((first.body as EnqueuedTask).id);
    expect(job?.data.idempotencyKey).toBe('header-1');
  });

  it('answers 400 naming idempotencyKey when the header and the body disagree', async () => {
    const total = await h.jobTotal();
    const res = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'header-2')
      .send({ ...parse('wave'), idempotencyKey: 'body-2' })
      .expect(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_input',
      details: { issues: [{ path: 'idempotencyKey' }] },
    });
    expect(res.body.error.message).toMatch(/idempotencyKey/);
    expect(await h.jobTotal()).toBe(total);
  });

  it('answers 400 for an empty header', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', '')
      .send(parse('wave'))
      .expect(400);
    expect(res.body.error.details.issues[0].path).toBe('idempotencyKey');
  });

  it('gives the task back after retention removed its job, adding no job', async () => {
    const first = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'gone-1')
      .send(parse('look'))
      .expect(202);
    const { id } = first.body as EnqueuedTask;
    expect(await h.queue(QUEUE).remove(id)).toBe(1);
    await request(h.app).get(`/v1/tasks/${id}`).expect(404);
    const total = await h.jobTotal();
    const again = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'gone-1')
      .send(parse('look'))
      .expect(202);
    expect(again.body).toEqual(first.body);
    expect(await h.jobTotal()).toBe(total);
  });

  it('answers 409 for the same key with another body, adding no job', async () => {
    const first = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'conflict-1')
      .send(parse('look'))
      .expect(202);
    const total = await h.jobTotal();
    const res = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'conflict-1')
      .send(parse('look away'))
      .expect(409);
    expect(res.body.error).toMatchObject({
      code: 'idempotency_conflict',
      details: { idempotencyKey: 'conflict-1', existingTaskId: first.body.id },
    });
    expect(await h.jobTotal()).toBe(total);
  });
});

describe('the idempotency window', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ overrides: { tasks: { idempotencyWindowSeconds: 1 } } });
  });

  afterAll(async () => {
    await h.close();
  });

  it('lets a key be reused, with another body, once the window is over', async () => {
    const first = await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'short')
      .send(parse('look'))
      .expect(202);
    await request(h.app)
      .post('/v1/tasks')
      .set('Idempotency-Key', 'short')
      .send(parse('look away'))
      .expect(409);
    // Within the window the other body is refused; once it is over, it is accepted.
    const second = await waitFor(
      async () => {
        const res = await request(h.app)
          .post('/v1/tasks')
          .set('Idempotency-Key', 'short')
          .send(parse('look away'));
        return res.status === 202 ? (res.body as EnqueuedTask) : undefined;
      },
      { intervalMs: 100, what: 'the key to be free' },
    );
    expect(second.id).not.toBe(first.body.id);
    expect(await h.jobTotal()).toBe(2);
  });
});
