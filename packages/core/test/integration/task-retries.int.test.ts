import { Queue, Worker } from 'bullmq';
import {
  CapabilityCatalog,
  loadConfig,
  TaskRouter,
  TaskService,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const config = loadConfig({
  env: {},
  overrides: {
    tasks: { defaultBackoffJitter: 0.8 },
    capabilities: {
      'narrative.generate': { attempts: 4, backoffMs: 5, backoffJitter: 0.25 },
      'input.parse': { attempts: 2, backoffMs: 7 },
    },
  },
});
const catalog = new CapabilityCatalog(config.capabilities);

describe('task retries with backoff and jitter', () => {
  let redis: Redis;
  let names: QueueNames;
  let service: TaskService;
  const opened: Array<{ close(): Promise<unknown> }> = [];

  beforeEach(async () => {
    redis = createTestRedis('producer');
    if (redis.status !== 'ready') await once(redis, 'ready', 5000);
    names = uniqueNames();
    service = new TaskService(redis, {
      names,
      catalog,
      router: new TaskRouter(catalog, { names }),
      tasks: config.tasks,
    });
    opened.push(service);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function queue(name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix: names.prefix });
    opened.push(q);
    return q;
  }

  it("gives a job the capability's attempts, backoff and jitter", async () => {
    const { id, queue: name } = await service.enqueue({
      capability: 'narrative.generate',
      input: { text: 'look' },
    });
    expect((await queue(name).getJob(id))?.opts).toMatchObject({
      attempts: 4,
      backoff: { type: 'exponential', delay: 5, jitter: 0.25 },
    });
  });

  it('falls back to tasks.defaultBackoffJitter when the capability names none', async () => {
    const { id, queue: name } = await service.enqueue({
      capability: 'input.parse',
      input: { text: 'look' },
    });
    expect((await queue(name).getJob(id))?.opts).toMatchObject({
      attempts: 2,
      backoff: { type: 'exponential', delay: 7, jitter: 0.8 },
    });
  });

  it('runs a failing task as many times as its attempts, then fails it', async () => {
    const { id, queue: name } = await service.enqueue({
      capability: 'narrative.generate',
      input: { text: 'fail me' },
    });
    const runs: number[] = [];
    const connection = createTestRedis();
    const worker = new Worker<TaskJobData>(
      name,
      (job) => {
        runs.push(job.attemptsMade);
        throw new Error(`attempt ${job.attemptsMade + 1} failed`);
      },
      { connection, prefix: names.prefix },
    );
    opened.push({ close: () => worker.close().then(() => connection.quit()) });
    const tasks = queue(name);
    await waitFor(async () => (await tasks.getJobState(id)) === 'failed');
    const job = await tasks.getJob(id);
    expect(runs).toEqual([0, 1, 2, 3]);
    expect(job?.attemptsMade).toBe(4);
    expect(job?.failedReason).toBe('attempt 4 failed');
  });
});
