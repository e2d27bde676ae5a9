import { Queue } from 'bullmq';
import {
  AgentRegistry,
  CapabilityCatalog,
  createRedisConnection,
  IdempotencyConflictError,
  loadConfig,
  NoLiveAgentError,
  RedisUnavailableError,
  TaskId,
  TaskRouter,
  TaskService,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const config = loadConfig({ env: {} });
const catalog = new CapabilityCatalog(config.capabilities);
const QUEUE = 'cap.narrative.generate';

/** A producer connection that is ready to take commands. */
async function readyProducer(): Promise<Redis> {
  const redis = createTestRedis('producer');
  if (redis.status !== 'ready') await once(redis, 'ready', 5000);
  return redis;
}

describe('TaskService against Redis', () => {
  let redis: Redis;
  let names: QueueNames;
  let service: TaskService;
  let queue: Queue;

  beforeEach(async () => {
    redis = await readyProducer();
    names = uniqueNames();
    service = new TaskService(redis, {
      names,
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: config.tasks,
    });
    queue = new Queue(QUEUE, { connection: redis, prefix: names.prefix });
  });

  afterEach(async () => {
    await service.close();
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('enqueues one job in cap.narrative.generate with its options and data', async () => {
    const before = Date.now();
    const accepted = await service.enqueue({
      capability: 'narrative.generate',
      input: { text: ' look around ' },
      priority: 3,
      sessionId: 's-1',
    });
    expect(accepted).toEqual({
      id: expect.stringMatching(/^cap\.narrative\.generate~/),
      status: 'queued',
      capability: 'narrative.generate',
      queue: QUEUE,
    });
    expect(TaskId.parse(accepted.id)?.queue).toBe(QUEUE);
    expect(await queue.getJobCounts('prioritized', 'waiting')).toEqual({
      prioritized: 1,
      waiting: 0,
    });
    const job = await queue.getJob(accepted.id);
    expect(job?.name).toBe('narrative.generate');
    expect(job?.data).toEqual({
      capability: 'narrative.generate',
      input: { text: 'look around' },
      sessionId: 's-1',
      timeoutMs: 30_000,
      enqueuedAt: expect.any(Number),
    });
    expect(job!.data.enqueuedAt).toBeGreaterThanOrEqual(before);
    expect(job?.opts).toMatchObject({
      attempts: 3,
      backoff: { type: 'exponential', delay: config.tasks.defaultBackoffMs },
      removeOnComplete: {
        age: config.tasks.keepCompletedSeconds,
        count: config.tasks.keepCompletedCount,
      },
      removeOnFail: { age: config.tasks.keepFailedSeconds },
      priority: 3,
    });
  });

  it('delays a task that asks for it and keeps a request timeout', async () => {
    const { id } = await service.enqueue({
      capability: 'narrative.generate',
      input: { text: 'wait' },
      delayMs: 60_000,
      timeoutMs: 1234,
    });
    expect(await queue.getJobCounts('delayed')).toEqual({ delayed: 1 });
    const job = await queue.getJob(id);
    expect(job?.opts.delay).toBe(60_000);
    expect(job?.data.timeoutMs).toBe(1234);
    expect((await service.get(id)).status).toBe('queued');
  });

  it('reads a queued task back', async () => {
    const { id } = await service.enqueue({
      capability: 'narrative.generate',
      input: { text: 'hello' },
      sessionId: 's-2',
    });
    const view = await service.get(id);
    expect(view).toEqual({
      id,
      status: 'queued',
      capability: 'narrative.generate',
      queue: QUEUE,
      input: { text: 'hello' },
      sessionId: 's-2',
      attempts: 0,
      runs: 0,
      timings: { enqueuedAt: expect.any(Number) },
    });
  });

  it('answers NotFoundError for a well-formed id that names no job', async () => {
    await expect(service.get(TaskId.create(QUEUE))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('replays an idempotent request: same id, one job', async () => {
    const body = {
      capability: 'narrative.generate',
      input: { text: 'open the door' },
      idempotencyKey: 'turn-7',
    };
    const first = await service.enqueue(body);
    const second = await service.enqueue({ ...body, input: { text: '  open the door ' } });
    expect(second).toEqual(first);
    expect(TaskId.parse(first.id)?.queue).toBe(QUEUE);
    expect(await queue.count()).toBe(1);
  });

  it('refuses a different request under a used idempotency key, keeping the first', async () => {
    const first = await service.enqueue({
      capability: 'narrative.generate',
      input: { text: 'open the door' },
      idempotencyKey: 'turn-8',
    });
    const conflict = service.enqueue({
      capability: 'narrative.generate',
      input: { text: 'close the door' },
      idempotencyKey: 'turn-8',
    });
    await expect(conflict).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(conflict).rejects.toMatchObject({
      code: 'idempotency_conflict',
      details: { idempotencyKey: 'turn-8', existingTaskId: first.id },
    });
    expect(await queue.count()).toBe(1);
    expect((await queue.getJob(first.id))?.data.input).toEqual({ text: 'open the door' });
  });

  it('enqueues a batch into the queues of its capabilities', async () => {
    const accepted = await service.enqueueBatch({
      tasks: [
        { capability: 'narrative.generate', input: { text: 'a' } },
        { capability: 'input.parse', input: { text: 'b' } },
        { capability: 'narrative.generate', input: { text: 'c' } },
      ],
    });
    expect(accepted.map((a) => a.queue)).toEqual([QUEUE, 'cap.input.parse', QUEUE]);
    expect(await service.counts(QUEUE)).toMatchObject({ waiting: 2 });
    expect(await service.counts('cap.input.parse')).toMatchObject({ waiting: 1 });
    expect((await service.get(accepted[1]!.id)).input).toEqual({ text: 'b' });
  });

  it('writes nothing when Redis is unreachable and says so quickly', async () => {
    const down = createRedisConnection({
      url: 'redis://127.0.0.1:1',
      role: 'producer',
      connectTimeoutMs: 200,
    });
    const offline = new TaskService(down, {
      names,
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: config.tasks,
    });
    try {
      const started = Date.now();
      const enqueued = offline.enqueue({ capability: 'narrative.generate', input: { text: 'x' } });
      await expect(enqueued).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(enqueued).rejects.toMatchObject({ code: 'redis_unavailable' });
      await expect(offline.get(TaskId.create(QUEUE))).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(Date.now() - started).toBeLessThan(500);
      // Bad input is still refused as bad input, before Redis matters.
      await expect(
        offline.enqueue({ capability: 'narrative.generate', input: {} }),
      ).rejects.toMatchObject({ code: 'invalid_input' });
    } finally {
      await offline.close();
      down.disconnect();
    }
    expect(await queue.count()).toBe(0);
  });
});

describe("TaskRouter with noLiveAgent 'refuse'", () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let router: TaskRouter;

  beforeEach(async () => {
    redis = await readyProducer();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    router = new TaskRouter(catalog, { names, registry, noLiveAgent: 'refuse' });
  });

  afterEach(async () => {
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function register(id: string, capabilities: string[]) {
    return registry.register({
      id,
      type: 'narrative-generator',
      capabilities,
      labels: {},
      queues: capabilities.map((c) => names.capability(c)),
      concurrency: 1,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    });
  }

  it('refuses a task no live agent serves, and routes it once one does', async () => {
    await register('other', ['input.parse']);
    await expect(router.route({ capability: 'narrative.generate' })).rejects.toBeInstanceOf(
      NoLiveAgentError,
    );
    await register('n1', ['narrative.generate']);
    await expect(router.route({ capability: 'narrative.generate' })).resolves.toEqual({
      capability: 'narrative.generate',
      queue: QUEUE,
    });
  });

  it('answers RedisUnavailableError when the registry cannot be read', async () => {
    const down = createRedisConnection({ url: 'redis://127.0.0.1:1', role: 'producer' });
    try {
      const offline = new TaskRouter(catalog, {
        names,
        registry: new AgentRegistry(down, { names }),
        noLiveAgent: 'refuse',
      });
      await expect(offline.route({ capability: 'narrative.generate' })).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
    } finally {
      down.disconnect();
    }
  });

  it('does not count a draining agent as live', async () => {
    await register('n1', ['narrative.generate']);
    await registry.heartbeat('n1', { status: 'draining', activeJobs: 2 });
    await expect(router.route({ capability: 'narrative.generate' })).rejects.toMatchObject({
      code: 'no_live_agent',
    });
  });
});
