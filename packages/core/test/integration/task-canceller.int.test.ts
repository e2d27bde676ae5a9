import { Queue, UnrecoverableError, Worker } from 'bullmq';
import {
  CapabilityCatalog,
  loadConfig,
  NotFoundError,
  TaskCanceller,
  TaskId,
  TaskRouter,
  TaskService,
  type QueueNames,
} from '@tta/core';
import { TaskFinishedError } from '../../src/errors/task-finished-error';
import {
  createTestRedis,
  deletePrefix,
  once,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

const config = loadConfig({ env: {} });
const catalog = new CapabilityCatalog(config.capabilities);
const QUEUE = 'cap.narrative.generate';
const FIXTURE = 'packages/agent-sdk/test/fixtures/cancellable-agent.js';
const TOMBSTONE_TTL_MS = 60_000;

describe('TaskCanceller', () => {
  let redis: Redis;
  let names: QueueNames;
  let service: TaskService;
  let canceller: TaskCanceller;
  let queue: Queue;
  const agents: TestProcess[] = [];
  const closers: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    redis = createTestRedis('producer');
    if (redis.status !== 'ready') await once(redis, 'ready', 5000);
    names = uniqueNames();
    const router = new TaskRouter(catalog, { names });
    service = new TaskService(redis, { names, catalog, router, tasks: config.tasks });
    canceller = new TaskCanceller(redis, {
      names,
      router,
      tasks: service,
      tombstoneTtlMs: TOMBSTONE_TTL_MS,
    });
    queue = new Queue(QUEUE, { connection: redis, prefix: names.prefix });
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      agent.signal('SIGTERM');
      await agent.exited;
    }
    for (const close of closers.splice(0)) await close();
    await service.close();
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  /** Starts the fixture agent in a child process and waits until it consumes the queue. */
  async function startAgent(heartbeatMs: number): Promise<TestProcess> {
    const agent = spawnNode(FIXTURE, [], {
      REDIS_URL: testRedisUrl(),
      TTA_TEST_PREFIX: names.prefix,
      TTA_TEST_HEARTBEAT_MS: String(heartbeatMs),
    });
    agents.push(agent);
    await waitFor(() => agent.output().includes('ready '), {
      timeoutMs: 20_000,
      what: `the agent to start: ${agent.output()}`,
    });
    return agent;
  }

  const enqueue = (text: string, extra: Record<string, unknown> = {}) =>
    service.enqueue({ capability: 'narrative.generate', input: { text }, ...extra });

  it('removes a waiting and a delayed task, which read cancelled and never run', async () => {
    const before = Date.now();
    const waiting = await enqueue('wait here', { sessionId: 's-9' });
    const delayed = await enqueue('later', { delayMs: 300 });
    expect(await canceller.cancel(waiting.id)).toEqual({ id: waiting.id, status: 'cancelled' });
    expect(await canceller.cancel(delayed.id, { reason: 'player left' })).toEqual({
      id: delayed.id,
      status: 'cancelled',
    });
    expect(await queue.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
    expect(await service.get(waiting.id)).toEqual({
      id: waiting.id,
      status: 'cancelled',
      capability: 'narrative.generate',
      queue: QUEUE,
      input: { text: 'wait here' },
      sessionId: 's-9',
      attempts: 0,
      cancelledAt: expect.any(Number),
      cancelReason: 'cancelled by request',
      timings: { enqueuedAt: expect.any(Number) },
    });
    const view = await service.get(delayed.id);
    expect(view).toMatchObject({ status: 'cancelled', cancelReason: 'player left' });
    expect(view.cancelledAt).toBeGreaterThanOrEqual(before);
    const ttl = await redis.pttl(names.key('cancelled', waiting.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TOMBSTONE_TTL_MS);
    // Cancelling again answers the same.
    expect(await canceller.cancel(waiting.id)).toEqual({ id: waiting.id, status: 'cancelled' });

    const agent = await startAgent(1000);
    await waitFor(() => Date.now() - before > 300, { what: 'the delay to pass' });
    const sentinel = await enqueue('after');
    await waitFor(() => agent.output().includes(`started ${sentinel.id}`), {
      what: 'the agent to run a task enqueued after the cancelled ones',
    });
    expect(agent.output()).not.toContain(waiting.id);
    expect(agent.output()).not.toContain(delayed.id);
  });

  it('aborts a running task in another process at once, and does not retry it', async () => {
    // A long heartbeat: only the pub/sub message can abort the task in time.
    const agent = await startAgent(5000);
    const { id } = await enqueue('run until cancelled');
    await waitFor(() => agent.output().includes(`started ${id} 1`), { what: 'the task to start' });
    const started = Date.now();
    expect(await canceller.cancel(id)).toEqual({ id, status: 'cancelled' });
    await waitFor(() => agent.output().includes(`aborted ${id}`), {
      timeoutMs: 4000,
      what: 'the handler to be aborted',
    });
    expect(Date.now() - started).toBeLessThan(2500);
    await waitFor(async () => (await queue.getJobState(id)) === 'failed', { what: 'failed' });
    const job = await queue.getJob(id);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.opts.attempts).toBe(3);
    expect(job?.failedReason).toMatch(/was cancelled/);
    expect((await service.get(id)).status).toBe('cancelled');
    expect(agent.output().match(new RegExp(`started ${id}`, 'g'))).toHaveLength(1);
    expect(await canceller.cancel(id)).toEqual({ id, status: 'cancelled' });
  });

  it('aborts a running task whose cancel message it missed, on its next heartbeat', async () => {
    const agent = await startAgent(300);
    const { id } = await enqueue('run until cancelled');
    await waitFor(() => agent.output().includes(`started ${id} 1`), { what: 'the task to start' });
    // A tombstone without the message, as if the agent had been reconnecting.
    await redis.hset(names.key('cancelled', id), {
      taskId: id,
      capability: 'narrative.generate',
      queue: QUEUE,
      input: '{}',
      enqueuedAt: Date.now(),
      cancelledAt: Date.now(),
      reason: 'test',
    });
    await waitFor(() => agent.output().includes(`aborted ${id}`), {
      what: 'the heartbeat check to abort the handler',
    });
    await waitFor(async () => (await queue.getJobState(id)) === 'failed', { what: 'failed' });
    expect((await queue.getJob(id))?.attemptsMade).toBe(1);
    expect((await service.get(id)).status).toBe('cancelled');
  });

  it('refuses to cancel a completed or failed task and leaves it as it is', async () => {
    const workerRedis = createTestRedis('worker');
    const worker = new Worker(
      QUEUE,
      async (job) => {
        if ((job.data as { input: { text: string } }).input.text === 'fail') {
          throw new UnrecoverableError('no');
        }
        return { output: 'done', agentId: 'a', agentType: 't', startedAt: 1, finishedAt: 2 };
      },
      { connection: workerRedis, prefix: names.prefix },
    );
    closers.push(
      () => worker.close(),
      () => workerRedis.quit(),
    );
    const completed = await enqueue('finish');
    const failed = await enqueue('fail');
    await waitFor(async () => (await queue.getJobState(completed.id)) === 'completed');
    await waitFor(async () => (await queue.getJobState(failed.id)) === 'failed');
    for (const [id, status] of [
      [completed.id, 'completed'],
      [failed.id, 'failed'],
    ] as const) {
      const refused = canceller.cancel(id);
      await expect(refused).rejects.toBeInstanceOf(TaskFinishedError);
      await expect(refused).rejects.toMatchObject({ code: 'task_finished', details: { status } });
      expect(await redis.exists(names.key('cancelled', id))).toBe(0);
      expect((await service.get(id)).status).toBe(status);
    }
  });

  it('answers not_found for an unknown, malformed or foreign id', async () => {
    for (const id of [TaskId.create(QUEUE), 'nonsense', TaskId.create('cap.nothing')]) {
      await expect(canceller.cancel(id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await redis.exists(names.key('cancelled', id))).toBe(0);
    }
  });

  it('refuses a reason longer than 256 characters', async () => {
    const { id } = await enqueue('keep me');
    await expect(canceller.cancel(id, { reason: 'x'.repeat(257) })).rejects.toMatchObject({
      code: 'invalid_input',
      details: { issues: [{ path: 'reason' }] },
    });
    expect(await queue.getJobState(id)).toBe('waiting');
  });
});
