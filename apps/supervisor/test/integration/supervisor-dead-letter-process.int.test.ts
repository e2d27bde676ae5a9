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

describe('supervisor process, the dead-letter queue and retention', () => {
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

  function startSupervisor(env: Record<string, string> = {}): TestProcess {
    return spawnNode(SUPERVISOR, [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_LOCAL_EXECUTOR: 'false',
      ...env,
    });
  }

  /** The capability's queue and the dead-letter queue, with a worker that fails every task but `{ ok: true }`. */
  function failingQueues(): { tasks: Queue; deadLetters: Queue } {
    const name = names.capability(CAPABILITY);
    const tasks = new Queue(name, { connection: redis, prefix: names.prefix });
    const deadLetters = new Queue(names.deadLetter, { connection: redis, prefix: names.prefix });
    const worker = new Worker(
      name,
      (job) => {
        if ((job.data as { input: { ok?: boolean } }).input.ok) return Promise.resolve('done');
        throw new Error('the world is gone');
      },
      { connection: redis, prefix: names.prefix, name: 'agent-w1' },
    );
    opened.push(worker, tasks, deadLetters);
    return { tasks, deadLetters };
  }

  it('moves a task that failed for good to the dead-letter queue', async () => {
    supervisor = startSupervisor();
    const name = names.capability(CAPABILITY);
    const { tasks, deadLetters } = failingQueues();
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

  it('removes completed tasks and dead letters past their age, with no new traffic', async () => {
    supervisor = startSupervisor({
      TTA_TASKS_KEEP_COMPLETED_SECONDS: '1',
      TTA_TASKS_KEEP_DEAD_LETTERED_SECONDS: '1',
      TTA_RETENTION_SWEEP_INTERVAL_MS: '200',
    });
    const name = names.capability(CAPABILITY);
    const { tasks, deadLetters } = failingQueues();
    const [done, failed] = [TaskId.create(name), TaskId.create(name)];
    const task = (input: Record<string, unknown>) => ({ capability: CAPABILITY, input });
    await tasks.add(CAPABILITY, task({ ok: true }), { jobId: done, attempts: 1 });
    await tasks.add(CAPABILITY, task({}), { jobId: failed, attempts: 1 });
    await waitFor(() => deadLetters.getJob(failed), {
      timeoutMs: 20_000,
      what: `the dead-letter entry\n${supervisor.output()}`,
    });
    await waitFor(
      async () => (await tasks.getJob(done)) === undefined && !(await deadLetters.getJob(failed)),
      { timeoutMs: 20_000, what: `the old task and entry removed\n${supervisor.output()}` },
    );
    expect(await deadLetters.count()).toBe(0);
  });
});
