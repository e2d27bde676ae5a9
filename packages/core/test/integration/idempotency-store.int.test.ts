import { Queue } from 'bullmq';
import {
  CapabilityCatalog,
  IdempotencyConflictError,
  loadConfig,
  TaskId,
  TaskRouter,
  TaskService,
  type QueueNames,
} from '@tta/core';
import { IdempotencyStore, requestFingerprint } from '../../src/tasks/idempotency-store';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const config = loadConfig({ env: {} });
const catalog = new CapabilityCatalog(config.capabilities);
const QUEUE = 'cap.narrative.generate';

describe('idempotency keys in TaskService', () => {
  let redis: Redis;
  let names: QueueNames;
  let store: IdempotencyStore;
  const services: TaskService[] = [];
  const queues = new Map<string, Queue>();

  function taskService(windowSeconds = config.tasks.idempotencyWindowSeconds): TaskService {
    const service = new TaskService(redis, {
      names,
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: { ...config.tasks, idempotencyWindowSeconds: windowSeconds },
    });
    services.push(service);
    return service;
  }

  function queue(name = QUEUE): Queue {
    const existing =
      queues.get(name) ?? new Queue(name, { connection: redis, prefix: names.prefix });
    queues.set(name, existing);
    return existing;
  }

  beforeEach(async () => {
    redis = createTestRedis('producer');
    if (redis.status !== 'ready') await once(redis, 'ready', 5000);
    names = uniqueNames();
    store = new IdempotencyStore(redis, { names });
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
    await Promise.all([...queues.values()].map((q) => q.close()));
    queues.clear();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  const body = (text: string, key: string, extra: Record<string, unknown> = {}) => ({
    capability: 'narrative.generate',
    input: { text },
    idempotencyKey: key,
    ...extra,
  });

  it('keeps one record per key with the task, its queue, fingerprint and added flag', async () => {
    const service = taskService();
    const first = await service.enqueue(body('open the door', 'turn-1'));
    expect(TaskId.parse(first.id)?.queue).toBe(QUEUE);
    const key = store.key('narrative.generate', 'turn-1');
    expect(key).toMatch(
      new RegExp(`^\\${names.prefix}:idempotency:narrative\\.generate:[0-9a-f]{64}$`),
    );
    expect(await redis.hgetall(key)).toEqual({
      taskId: first.id,
      queue: QUEUE,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      added: '1',
    });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(86_390_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
    expect(await service.enqueue(body('open the door', 'turn-1'))).toEqual(first);
    expect(await queue().count()).toBe(1);
  });

  it('gives the same task back after its job was removed, without adding a job', async () => {
    const service = taskService();
    const first = await service.enqueue(body('look', 'turn-2'));
    expect(await queue().remove(first.id)).toBe(1);
    const again = await service.enqueue(body('look', 'turn-2'));
    expect(again.id).toBe(first.id);
    expect(await queue().getJobCounts()).toMatchObject({ waiting: 0, prioritized: 0 });
    expect(await queue().getJob(first.id)).toBeUndefined();
  });

  it('refuses a different request under a used key, naming the first task', async () => {
    const service = taskService();
    const first = await service.enqueue(body('look', 'turn-3'));
    const conflict = service.enqueue(body('look', 'turn-3', { priority: 2 }));
    await expect(conflict).rejects.toBeInstanceOf(IdempotencyConflictError);
    await expect(conflict).rejects.toMatchObject({
      details: { idempotencyKey: 'turn-3', existingTaskId: first.id },
    });
    expect(await queue().count()).toBe(1);
  });

  it('keeps keys apart per capability', async () => {
    const service = taskService();
    const narrative = await service.enqueue(body('look', 'turn-4'));
    const parse = await service.enqueue({ ...body('look', 'turn-4'), capability: 'input.parse' });
    expect(parse.id).not.toBe(narrative.id);
    expect(parse.queue).toBe('cap.input.parse');
  });

  it('adds the job of a record the API stored without its job, under the stored id and queue', async () => {
    const service = taskService();
    const request = body('look', 'turn-5');
    // As if an API had died between the two writes, having routed the task to a pool queue.
    const stored = TaskId.create(`${QUEUE}.fast`);
    const [reservation] = await store.reserve([
      {
        capability: 'narrative.generate',
        idempotencyKey: 'turn-5',
        taskId: stored,
        queue: `${QUEUE}.fast`,
        fingerprint: requestFingerprint(service.validate(request)),
      },
    ]);
    expect(reservation).toEqual({ taskId: stored, queue: `${QUEUE}.fast`, mustAdd: true });
    const accepted = await service.enqueue(request);
    expect(accepted).toMatchObject({ id: stored, queue: `${QUEUE}.fast` });
    expect((await queue(`${QUEUE}.fast`).getJob(stored))?.data.input).toEqual({ text: 'look' });
    expect(await queue().count()).toBe(0);
    expect(await redis.hget(store.key('narrative.generate', 'turn-5'), 'added')).toBe('1');
  });

  it('lets a key be reused once its window is over', async () => {
    const service = taskService(1);
    const first = await service.enqueue(body('look', 'turn-6'));
    const key = store.key('narrative.generate', 'turn-6');
    expect(await redis.pttl(key)).toBeLessThanOrEqual(1000);
    await waitFor(async () => (await redis.exists(key)) === 0, { what: 'the window to end' });
    const second = await service.enqueue(body('something else', 'turn-6'));
    expect(second.id).not.toBe(first.id);
    expect(await queue().count()).toBe(2);
  });

  it('in a batch, adds a key given twice once, and adds nothing when one key conflicts', async () => {
    const service = taskService();
    const accepted = await service.enqueueBatch({
      tasks: [body('a', 'turn-7'), body('a', 'turn-7'), body('b', 'turn-8')],
    });
    expect(accepted[1]?.id).toBe(accepted[0]?.id);
    expect(accepted[2]?.id).not.toBe(accepted[0]?.id);
    expect(await queue().count()).toBe(2);
    const conflict = service.enqueueBatch({
      tasks: [body('c', 'turn-9'), body('changed', 'turn-8')],
    });
    await expect(conflict).rejects.toMatchObject({
      code: 'idempotency_conflict',
      details: { idempotencyKey: 'turn-8', existingTaskId: accepted[2]?.id },
    });
    expect(await queue().count()).toBe(2);
  });
});
