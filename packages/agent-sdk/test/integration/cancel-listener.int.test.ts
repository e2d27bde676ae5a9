import {
  AgentRegistry,
  CapabilityCatalog,
  createLogger,
  loadConfig,
  TaskCancelledError,
  TaskCanceller,
  TaskRouter,
  TaskService,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { AgentRuntime, CancelListener, defineAgent } from '@tta/agent-sdk';

const logger = createLogger({ level: 'error' });
const config = loadConfig({ env: {} });
const catalog = new CapabilityCatalog(config.capabilities);

describe('cancellation in the agent runtime', () => {
  let redis: Redis;
  let producer: Redis;
  let names: QueueNames;
  const closers: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    redis = createTestRedis('worker');
    producer = createTestRedis('producer');
    if (producer.status !== 'ready') await once(producer, 'ready', 5000);
    names = uniqueNames();
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deletePrefix(redis, names.prefix);
    await producer.quit();
    await redis.quit();
  });

  function listener(running: string[], cancelled: string[]): CancelListener {
    const cancels = new CancelListener({
      connection: redis,
      names,
      logger,
      running: () => running,
      onCancel: (id) => cancelled.push(id),
    });
    closers.push(() => cancels.close());
    return cancels;
  }

  it('hears a cancelled id on the cancel channel', async () => {
    const cancelled: string[] = [];
    await listener([], cancelled).start();
    expect(await producer.publish(names.key('cancel'), 'task-1')).toBe(1);
    await waitFor(() => cancelled.length === 1, { what: 'the message' });
    expect(cancelled).toEqual(['task-1']);
  });

  it('finds the tombstones of running tasks on a check, and only theirs', async () => {
    const cancelled: string[] = [];
    const cancels = listener(['a', 'b', 'c'], cancelled);
    await producer.hset(names.key('cancelled', 'b'), { cancelledAt: Date.now() });
    await producer.hset(names.key('cancelled', 'z'), { cancelledAt: Date.now() });
    await cancels.check();
    expect(cancelled).toEqual(['b']);
  });

  it('closes its subscriber, and may be closed twice', async () => {
    const cancels = listener([], []);
    await cancels.start();
    await cancels.close();
    await cancels.close();
    expect(await producer.publish(names.key('cancel'), 'x')).toBe(0);
  });

  it('aborts a running handler with TaskCancelledError and does not retry it', async () => {
    const router = new TaskRouter(catalog, { names });
    const tasks = new TaskService(producer, { names, catalog, router, tasks: config.tasks });
    closers.push(() => tasks.close());
    const canceller = new TaskCanceller(producer, { names, router, tasks });
    const registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    const reasons: unknown[] = [];
    const runtime = new AgentRuntime(
      defineAgent({
        type: 'waiter',
        capabilities: ['narrative.generate'],
        handler: (_task, ctx) =>
          new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => {
              reasons.push(ctx.signal.reason);
              reject(new Error('aborted'));
            }),
          ),
      }),
      { connection: redis, names, registry, logger },
    );
    closers.push(() => runtime.stop());
    const failures: Error[] = [];
    runtime.on('task:failed', (_id, _capability, error) => failures.push(error));
    await runtime.start();
    const { id } = await tasks.enqueue({ capability: 'narrative.generate', input: { text: 'x' } });
    await waitFor(() => runtime.activeTasks === 1, { what: 'the task to start' });
    await canceller.cancel(id);
    const queue = tasks.queue('cap.narrative.generate');
    await waitFor(async () => (await queue.getJobState(id)) === 'failed', { what: 'failure' });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(TaskCancelledError);
    // The signal's reason is the error itself, so a handler can tell a cancel from a timeout.
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(TaskCancelledError);
    expect((reasons[0] as Error).message).toBe(`task '${id}' was cancelled`);
    const job = await queue.getJob(id);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe(`task '${id}' was cancelled`);
  });
});
