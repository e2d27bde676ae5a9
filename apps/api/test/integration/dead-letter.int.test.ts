import { Worker, type Job } from 'bullmq';
import { deadLetterDataOf, type DeadLetterEntry, type TaskJobData } from '@tta/core';
import { type EnqueuedTask } from '@tta/contracts';
import { createTestRedis, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const AGENT_ID = 'agent-dead-letter-test';
const NARRATIVE_QUEUE = 'cap.narrative.generate';
const PARSE_QUEUE = 'cap.input.parse';

let h: ApiHarness;
let connection: Redis;
let workers: Worker[];

beforeAll(async () => {
  h = await startApiHarness({
    overrides: {
      capabilities: {
        'narrative.generate': { attempts: 2, backoffMs: 1 },
        'input.parse': { attempts: 1 },
      },
    },
  });
  connection = createTestRedis();
  workers = [NARRATIVE_QUEUE, PARSE_QUEUE].map(
    (queue) =>
      new Worker(
        queue,
        (job) => {
          throw new Error(
            `cannot handle '${String((job.data as { input: { text: string } }).input.text)}'`,
          );
        },
        { connection, prefix: h.config.redis.prefix, name: AGENT_ID },
      ),
  );
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await connection.quit();
  await h.close();
});

/** Enqueues a task through the API and waits until its failing handler has given up. */
async function failTask(capability: string, text: string): Promise<EnqueuedTask> {
  const res = await request(h.app).post('/v1/tasks').send({ capability, input: { text } });
  const task = res.body as EnqueuedTask;
  await waitFor(async () => (await h.queue(task.queue).getJobState(task.id)) === 'failed');
  return task;
}

/** A failed task moved to the dead-letter queue, as the supervisor's sweep does. */
async function deadTask(capability: string, text: string): Promise<EnqueuedTask> {
  const task = await failTask(capability, text);
  expect((await h.services.deadLetters.moveFailed()).moved).toContain(task.id);
  return task;
}

describe('GET /v1/tasks/:id of a dead-lettered task', () => {
  it("answers status 'dead' with the error, attempts and agent", async () => {
    const task = await deadTask('narrative.generate', 'open the gate');
    const res = await request(h.app).get(`/v1/tasks/${task.id}`).expect(200);
    expect(res.body).toMatchObject({
      id: task.id,
      status: 'dead',
      capability: 'narrative.generate',
      queue: NARRATIVE_QUEUE,
      input: { text: 'open the gate' },
      error: { message: "cannot handle 'open the gate'" },
      attempts: 2,
      agentId: AGENT_ID,
    });
  });
});

describe('GET /v1/dead-letter', () => {
  it('lists entries newest first with the total, by page and by capability', async () => {
    const first = await deadTask('input.parse', 'first');
    const second = await deadTask('input.parse', 'second');
    const res = await request(h.app).get('/v1/dead-letter?capability=input.parse').expect(200);
    const body = res.body as { entries: DeadLetterEntry[]; total: number };
    expect(body.total).toBe(2);
    expect(body.entries.map((e) => e.id)).toEqual([second.id, first.id]);
    expect(body.entries[0]).toEqual({
      id: second.id,
      capability: 'input.parse',
      queue: PARSE_QUEUE,
      task: expect.objectContaining({ capability: 'input.parse', input: { text: 'second' } }),
      error: { message: "cannot handle 'second'", stack: expect.stringContaining('cannot handle') },
      attempts: 1,
      agentId: AGENT_ID,
      failedAt: expect.any(Number),
      deadLetteredAt: expect.any(Number),
    });
    const page = await request(h.app)
      .get('/v1/dead-letter?capability=input.parse&start=1&limit=1')
      .expect(200);
    expect(page.body).toEqual({ entries: [expect.objectContaining({ id: first.id })], total: 2 });
    const all = await request(h.app).get('/v1/dead-letter').expect(200);
    expect((all.body as { total: number }).total).toBeGreaterThanOrEqual(2);
  });

  it.each([['limit=0'], ['limit=1001'], ['start=-1'], ['start=abc'], ['sort=asc']])(
    'answers 400 to the query %s',
    async (query) => {
      const res = await request(h.app).get(`/v1/dead-letter?${query}`).expect(400);
      expect(res.body).toMatchObject({ error: { code: 'invalid_input' } });
    },
  );
});

describe('POST /v1/dead-letter/:id/retry', () => {
  it('puts the task back in its queue under the same id with fresh attempts', async () => {
    const task = await deadTask('narrative.generate', 'try again');
    const res = await request(h.app).post(`/v1/dead-letter/${task.id}/retry`).expect(202);
    expect(res.body).toEqual({
      id: task.id,
      status: 'queued',
      capability: 'narrative.generate',
      queue: NARRATIVE_QUEUE,
    });
    const job = await h.queue(NARRATIVE_QUEUE).getJob(task.id);
    expect(job?.data.input).toEqual({ text: 'try again' });
    expect(job?.opts.attempts).toBe(2);
    await request(h.app).post(`/v1/dead-letter/${task.id}/retry`).expect(404);
    // The worker still fails it: it runs both attempts again and fails anew.
    await waitFor(async () => (await h.queue(NARRATIVE_QUEUE).getJobState(task.id)) === 'failed');
    expect((await h.queue(NARRATIVE_QUEUE).getJob(task.id))?.attemptsMade).toBe(2);
  });

  it('answers 409 while the task is still in its queue', async () => {
    const task = await failTask('narrative.generate', 'half moved');
    const job = (await h.queue(NARRATIVE_QUEUE).getJob(task.id)) as Job<TaskJobData>;
    await h.queue('dead-letter').add('narrative.generate', deadLetterDataOf(job, task.queue), {
      jobId: task.id,
    });
    const res = await request(h.app).post(`/v1/dead-letter/${task.id}/retry`).expect(409);
    expect(res.body).toMatchObject({ error: { code: 'task_exists' } });
    expect((await h.services.deadLetters.moveFailed()).moved).toContain(task.id);
  });

  it('answers 404 to an unknown id', async () => {
    const res = await request(h.app)
      .post('/v1/dead-letter/cap.narrative.generate~00000000-0000-4000-8000-000000000000/retry')
      .expect(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found' } });
    await request(h.app).post('/v1/dead-letter/nonsense/retry').expect(404);
  });
});

describe('DELETE /v1/dead-letter/:id', () => {
  it('removes the entry for good', async () => {
    const task = await deadTask('narrative.generate', 'forget it');
    await request(h.app).delete(`/v1/dead-letter/${task.id}`).expect(204);
    await request(h.app).delete(`/v1/dead-letter/${task.id}`).expect(404);
    await request(h.app).get(`/v1/tasks/${task.id}`).expect(404);
  });
});
