import { Queue, Worker } from 'bullmq';
import { TaskId, type QueueNames } from '@tta/core';
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

const SUPERVISOR = 'apps/supervisor/dist/main.js';
const CAPABILITY = 'world.update';

describe('supervisor process and the dead-letter queue', () => {
  let redis: Redis;
  let names: QueueNames;
  let supervisor: TestProcess | undefined;
  const opened: Array<{ close(): Promise<unknown> }> = [];

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
  });

  afterEach(async () => {
    supervisor?.signal('SIGKILL');
    await supervisor?.exited;
    await Promise.all(opened.splice(0).map((o) => o.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('moves a task that failed for good to the dead-letter queue', async () => {
    supervisor = spawnNode(SUPERVISOR, [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_LOCAL_EXECUTOR: 'false',
    });
    const name = names.capability(CAPABILITY);
    const tasks = new Queue(name, { connection: redis, prefix: names.prefix });
    const deadLetters = new Queue(names.deadLetter, { connection: redis, prefix: names.prefix });
    const worker = new Worker(
      name,
      () => {
        throw new Error('the world is gone');
      },
      { connection: redis, prefix: names.prefix, name: 'agent-w1' },
    );
    opened.push(worker, tasks, deadLetters);
    const id = TaskId.create(name);
    await tasks.add(CAPABILITY, { capability: CAPABILITY, input: {} }, { jobId: id, attempts: 1 });
    const entry = await waitFor(() => deadLetters.getJob(id), {
      timeoutMs: 20_000,
      what: `the dead-letter entry\n${supervisor.output()}`,
    });
    expect(entry.data).toMatchObject({
      taskId: id,
      queue: name,
      capability: CAPABILITY,
      error: { message: 'the world is gone' },
      attempts: 1,
      agentId: 'agent-w1',
    });
    expect(await tasks.getJob(id)).toBeUndefined();
  });
});
