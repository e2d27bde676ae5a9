import { Queue } from 'bullmq';
import {
  AgentRegistry,
  CapabilityCatalog,
  loadConfig,
  TaskRouter,
  TaskService,
  type QueueNames,
  type TaskJobResult,
} from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

const PER_SESSION = 100;

// world.update tasks of one session run one at a time, in the order they were accepted, even
// with three world-builder processes pulling from the queue at full concurrency.
describe('per-session ordering', () => {
  let redis: Redis;
  let producer: Redis;
  let names: QueueNames;
  let tasks: TaskService;
  const workers: TestProcess[] = [];

  beforeAll(async () => {
    redis = createTestRedis();
    producer = createTestRedis('producer');
    names = uniqueNames();
    const config = loadConfig({ overrides: { redis: { prefix: names.prefix } } });
    const catalog = new CapabilityCatalog(config.capabilities);
    const registry = new AgentRegistry(redis, { names });
    const router = new TaskRouter(catalog, { names, registry });
    tasks = new TaskService(producer, { names, catalog, router, tasks: config.tasks });
    for (let i = 0; i < 3; i += 1) {
      workers.push(
        spawnNode('apps/worker/dist/main.js', ['--agent', 'world-builder'], {
          REDIS_URL: testRedisUrl(),
          TTA_REDIS_PREFIX: names.prefix,
          TTA_WORKER_DIAGNOSTICS_PORT: '-1',
        }),
      );
    }
    await waitFor(async () => (await registry.list({ status: 'ready' })).length === 3, {
      timeoutMs: 20_000,
      what: 'three world builders',
    });
    if (producer.status !== 'ready') await new Promise((r) => producer.once('ready', r));
  });

  afterAll(async () => {
    for (const worker of workers) worker.signal('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await tasks.close();
    await deletePrefix(redis, names.prefix);
    await producer.quit();
    await redis.quit();
  });

  it(`applies ${PER_SESSION} interleaved world.update tasks of each session in order, losing none`, async () => {
    const sessions = ['order-a', 'order-b'];
    const ids: Record<string, string[]> = { 'order-a': [], 'order-b': [] };
    const verbs = ['look around', 'go north', 'go south', 'rest for a while', 'take the stone'];
    // Interleaved: singles and small batches, alternating between the two sessions.
    for (let i = 0; i < PER_SESSION; i += 2) {
      for (const sessionId of sessions) {
        const one = { capability: 'world.update', sessionId, input: { text: verbs[i % 5] } };
        const two = { ...one, input: { text: verbs[(i + 1) % 5] } };
        const accepted =
          i % 4 === 0
            ? await tasks.enqueueBatch({ tasks: [one, two] })
            : [await tasks.enqueue(one), await tasks.enqueue(two)];
        ids[sessionId]!.push(...accepted.map((t) => t.id));
      }
    }
    const queue = new Queue(names.capability('world.update'), {
      connection: redis,
      prefix: names.prefix,
    });
    try {
      await waitFor(
        async () => (await queue.getJobCounts('completed')).completed === PER_SESSION * 2,
        { timeoutMs: 60_000, what: 'every update to complete' },
      );
      for (const sessionId of sessions) {
        const versions: number[] = [];
        const starts: number[] = [];
        for (const id of ids[sessionId]!) {
          const job = await queue.getJob(id);
          const result = job?.returnvalue as TaskJobResult & { output: { version: number } };
          versions.push(result.output.version);
          starts.push(result.startedAt);
        }
        // Version n is the n-th accepted task: none lost, none out of order.
        expect(versions).toEqual(Array.from({ length: PER_SESSION }, (_, n) => n + 1));
        expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      }
    } finally {
      await queue.close();
    }
  }, 120_000);
});
