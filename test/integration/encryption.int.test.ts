import { randomBytes } from 'node:crypto';
import { AgentRuntime, defineAgent } from '@tta/agent-sdk';
import { AgentRegistry, createLogger, PayloadCodec, type TaskJobData } from '@tta/core';
import type { EnqueuedTask, TaskView } from '@tta/contracts';
import { createTestRedis, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from '../../apps/api/test/integration/api-harness';

// The player's words, which must never be readable in Redis while encryption is on.
const WORDS = 'marmalade-7391 by the lighthouse';
const k1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const k2 = { id: 'k2', key: randomBytes(32).toString('base64') };
const encryption = (keys: Array<typeof k1>, activeKeyId = '') => ({
  encryption: { enabled: 'true', keys, activeKeyId },
});
const QUEUE = 'cap.narrative.generate';

let h: ApiHarness;
let workerRedis: Redis;
let runtime: AgentRuntime;
const seen: unknown[] = [];

beforeAll(async () => {
  h = await startApiHarness({ overrides: encryption([k1]) });
  workerRedis = createTestRedis('worker');
  const names = h.services.names;
  runtime = new AgentRuntime(
    defineAgent({
      type: 'narrator',
      capabilities: ['narrative.generate'],
      handler: async (task) => {
        seen.push(task.input.text);
        return { passage: `You said: ${String(task.input.text)}`, tone: 'calm' };
      },
    }),
    {
      connection: workerRedis,
      names,
      registry: new AgentRegistry(workerRedis, { names }),
      logger: createLogger({ level: 'error' }),
      codec: PayloadCodec.fromConfig(h.config),
    },
  );
  await runtime.start();
});

afterAll(async () => {
  await runtime.stop();
  await workerRedis.quit();
  await h.close();
});

/** Everything Redis holds of a task's job, as raw text. */
async function rawJob(id: string): Promise<string> {
  return JSON.stringify(await h.redis.hgetall(`${h.config.redis.prefix}:${QUEUE}:${id}`));
}

async function enqueue(text: string): Promise<EnqueuedTask> {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ capability: 'narrative.generate', input: { text } })
    .expect(202);
  return res.body as EnqueuedTask;
}

describe('player content encrypted at rest', () => {
  it('stores input and output as ciphertext, while the handler and the API read them in clear', async () => {
    const task = await enqueue(WORDS);
    await waitFor(async () => (await h.queue(QUEUE).getJobState(task.id)) === 'completed');
    const raw = await rawJob(task.id);
    expect(raw).not.toContain('marmalade');
    expect(raw).not.toContain('You said');
    expect(raw).toContain('aes-256-gcm');
    expect(seen).toContain(WORDS);
    const view = (await request(h.app).get(`/v1/tasks/${task.id}`).expect(200)).body as TaskView;
    expect(view.input).toEqual({ text: WORDS });
    expect(view.result).toEqual({ passage: `You said: ${WORDS}`, tone: 'calm' });
  });

  it('shows [encrypted] on Bull Board, never the words', async () => {
    const task = await enqueue(WORDS);
    await waitFor(async () => (await h.queue(QUEUE).getJobState(task.id)) === 'completed');
    const res = await request(h.app)
      .get(`/admin/queues/api/queues?activeQueue=${QUEUE}&status=completed&page=1`)
      .expect(200);
    expect(res.text).not.toContain('marmalade');
    expect(res.text).toContain('[encrypted]');
  });

  it('keeps the dead-letter list to [encrypted]', async () => {
    const page = await request(h.app).get('/v1/dead-letter').expect(200);
    expect(page.text).not.toContain('marmalade');
  });

  it('reads data of the old key after a rotation, and encrypts new data with the new key', async () => {
    const old = await enqueue(WORDS);
    await waitFor(async () => (await h.queue(QUEUE).getJobState(old.id)) === 'completed');
    const rotated = await startApiHarness({
      prefix: h.config.redis.prefix,
      overrides: encryption([k1, k2], 'k2'),
    });
    try {
      const view = await request(rotated.app).get(`/v1/tasks/${old.id}`).expect(200);
      expect((view.body as TaskView).input).toEqual({ text: WORDS });
      const next = (
        await request(rotated.app)
          .post('/v1/tasks')
          .send({ capability: 'input.parse', input: { text: WORDS } })
          .expect(202)
      ).body as EnqueuedTask;
      const job = await rotated.queue('cap.input.parse').getJob(next.id);
      const data = job?.data as TaskJobData & { input: { text: { kid: string } } };
      expect(data.input.text.kid).toBe('k2');
    } finally {
      await rotated.close();
    }
  });
});
