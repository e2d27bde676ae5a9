import { randomBytes } from 'node:crypto';
import { AgentRuntime, defineAgent, type ResolvedAgentDefinition } from '@tta/agent-sdk';
import { createWorldBuilder } from '@tta/agents';
import { AgentRegistry, createLogger, PayloadCodec, worldKey, type TaskJobData } from '@tta/core';
import type { EnqueuedTask, TaskView } from '@tta/contracts';
import { createTestRedis, dumpKeySpace, waitFor } from '@tta/test-utils';
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
let runtimes: AgentRuntime[] = [];
const seen: unknown[] = [];

function startAgent(definition: ResolvedAgentDefinition, codec: PayloadCodec): Promise<void> {
  const names = h.services.names;
  const runtime = new AgentRuntime(definition, {
    connection: workerRedis,
    names,
    registry: new AgentRegistry(workerRedis, { names }),
    logger: createLogger({ level: 'error' }),
    codec,
  });
  runtimes.push(runtime);
  return runtime.start();
}

beforeAll(async () => {
  h = await startApiHarness({ overrides: encryption([k1]) });
  workerRedis = createTestRedis('worker');
  const codec = PayloadCodec.fromConfig(h.config);
  const narrator = defineAgent({
    type: 'narrator',
    capabilities: ['narrative.generate'],
    handler: async (task) => {
      seen.push(task.input.text);
      return { passage: `You said: ${String(task.input.text)}`, tone: 'calm' };
    },
  });
  await startAgent(narrator, codec);
  await startAgent(
    createWorldBuilder({ redis: workerRedis, names: h.services.names, codec }),
    codec,
  );
});

afterAll(async () => {
  for (const runtime of runtimes) await runtime.stop();
  runtimes = [];
  await workerRedis.quit();
  await h.close();
});

/** Everything Redis holds of a task's job, as raw text. */
async function rawJob(id: string): Promise<string> {
  return JSON.stringify(await h.redis.hgetall(`${h.config.redis.prefix}:${QUEUE}:${id}`));
}

async function enqueue(
  text: string,
  capability = 'narrative.generate',
  sessionId?: string,
): Promise<EnqueuedTask> {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ capability, input: { text }, ...(sessionId && { sessionId }) })
    .expect(202);
  return res.body as EnqueuedTask;
}

async function completed(id: string): Promise<TaskView> {
  return waitFor(
    async () => {
      const view = (await request(h.app).get(`/v1/tasks/${id}`).expect(200)).body as TaskView;
      return view.status === 'completed' || view.status === 'failed' ? view : undefined;
    },
    { what: `task ${id} to finish` },
  );
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

  it("keeps a session's world and its history sealed, and opens them for authorised reads", async () => {
    const sessionId = `enc-world-${randomBytes(4).toString('hex')}`;
    // A place the map does not know: the world's answer quotes the player.
    const update = await completed(
      (await enqueue(`go to the ${WORDS}`, 'world.update', sessionId)).id,
    );
    expect(update.status).toBe('completed');
    const changes = (update.result as { changes: string[] }).changes.join(' ');
    expect(changes).toContain('marmalade');
    const read = await completed(
      (
        await request(h.app)
          .post('/v1/tasks')
          .send({ capability: 'world.read', input: {}, sessionId })
          .expect(202)
      ).body.id as string,
    );
    expect(read.result).toMatchObject({ version: 1, world: { turn: 1 } });

    const stored = await workerRedis.hgetall(worldKey(h.services.names, sessionId));
    expect(JSON.stringify(stored)).toContain('aes-256-gcm');
    const everything = await dumpKeySpace(workerRedis, h.config.redis.prefix);
    expect(everything).toContain(sessionId);
    expect(everything).not.toMatch(/marmalade|lighthouse/);
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
