import { TaskId } from '@tta/core';
import { type EnqueuedTask } from '@tta/contracts';
import { createTestRedis, waitFor } from '@tta/test-utils';
import { UnrecoverableError, Worker } from 'bullmq';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
});

afterAll(async () => {
  await h.close();
});

const QUEUE = 'cap.input.parse';

async function enqueue(text: string, extra: Record<string, unknown> = {}): Promise<EnqueuedTask> {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ capability: 'input.parse', input: { text }, ...extra })
    .expect(202);
  return res.body as EnqueuedTask;
}

describe('DELETE /v1/tasks/:id', () => {
  it('removes a waiting task: 202 cancelled, the same on a repeat, GET reads cancelled', async () => {
    const before = Date.now();
    const { id } = await enqueue('go north', { sessionId: 's-1' });
    const res = await request(h.app).delete(`/v1/tasks/${id}`).expect(202);
    expect(res.body).toEqual({ id, status: 'cancelled' });
    expect(await h.queue(QUEUE).getJobCounts('waiting', 'active')).toEqual({
      waiting: 0,
      active: 0,
    });
    const again = await request(h.app).delete(`/v1/tasks/${id}`).expect(202);
    expect(again.body).toEqual(res.body);
    const view = await request(h.app).get(`/v1/tasks/${id}`).expect(200);
    expect(view.body).toMatchObject({
      id,
      status: 'cancelled',
      capability: 'input.parse',
      queue: QUEUE,
      input: { text: 'go north' },
      sessionId: 's-1',
      cancelReason: 'cancelled by request',
    });
    expect(view.body.cancelledAt).toBeGreaterThanOrEqual(before);
    expect(view.body.cancelledAt).toBeLessThanOrEqual(Date.now());
  });

  it('removes a delayed task and keeps the reason it was given', async () => {
    const { id } = await enqueue('later', { delayMs: 60_000 });
    expect(await h.queue(QUEUE).getJobState(id)).toBe('delayed');
    await request(h.app).delete(`/v1/tasks/${id}`).query({ reason: 'player left' }).expect(202);
    expect(await h.queue(QUEUE).getJobCounts('delayed')).toEqual({ delayed: 0 });
    const view = await request(h.app).get(`/v1/tasks/${id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'cancelled', cancelReason: 'player left' });
  });

  it('answers 400 naming reason for a reason too long or given twice, and cancels nothing', async () => {
    const { id } = await enqueue('stay');
    for (const query of [`reason=${'x'.repeat(257)}`, 'reason=a&reason=b']) {
      const res = await request(h.app).delete(`/v1/tasks/${id}?${query}`).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'invalid_input',
        details: { issues: [{ path: 'reason' }] },
      });
    }
    expect(await h.queue(QUEUE).getJobState(id)).toBe('waiting');
  });

  it.each([
    ['an unknown id', TaskId.create(QUEUE)],
    ['a malformed id', 'not-a-task-id'],
    ['an id of a queue outside the catalog', TaskId.create('cap.nothing')],
  ])('answers 404 not_found for %s', async (_what, id) => {
    const res = await request(h.app).delete(`/v1/tasks/${id}`).expect(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', details: { kind: 'task', id } });
  });

  it('answers 409 task_finished for a completed or failed task, which keeps its status', async () => {
    const done = await enqueue('done');
    const broken = await enqueue('broken');
    const connection = createTestRedis('worker');
    const worker = new Worker(
      QUEUE,
      async (job) => {
        if (job.id === broken.id) throw new UnrecoverableError('broken');
        return { output: 'ok', agentId: 'a', agentType: 't', startedAt: 1, finishedAt: 2 };
      },
      { connection, prefix: h.config.redis.prefix },
    );
    try {
      await waitFor(async () => (await h.queue(QUEUE).getJobState(done.id)) === 'completed');
      await waitFor(async () => (await h.queue(QUEUE).getJobState(broken.id)) === 'failed');
    } finally {
      await worker.close();
      await connection.quit();
    }
    for (const [id, status] of [
      [done.id, 'completed'],
      [broken.id, 'failed'],
    ] as const) {
      const res = await request(h.app).delete(`/v1/tasks/${id}`).expect(409);
      expect(res.body.error).toMatchObject({ code: 'task_finished', details: { id, status } });
      expect((await request(h.app).get(`/v1/tasks/${id}`).expect(200)).body.status).toBe(status);
    }
  });
});
