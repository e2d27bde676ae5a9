import { Queue, QueueEvents } from 'bullmq';
import {
  AgentRegistry,
  createLogger,
  ValidationError,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { AgentRuntime, defineAgent, type AgentHandler } from '@tta/agent-sdk';

const logger = createLogger({ level: 'error' });

function jobData(input: Record<string, unknown>, timeoutMs = 5000): TaskJobData {
  return { capability: 'echo.run', input, timeoutMs, enqueuedAt: Date.now() };
}

describe('AgentRuntime', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let queue: Queue;
  let events: QueueEvents;
  let eventsRedis: Redis;
  const runtimes: AgentRuntime[] = [];

  function runtime(handler: AgentHandler, extra: { shutdownGraceMs?: number } = {}): AgentRuntime {
    const rt = new AgentRuntime(
      defineAgent({ type: 'echo', capabilities: ['echo.run'], concurrency: 4, handler }),
      { connection: redis, names, registry, logger, heartbeatIntervalMs: 200, ...extra },
    );
    runtimes.push(rt);
    return rt;
  }

  beforeEach(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 1000 });
    queue = new Queue(names.capability('echo.run'), { connection: redis, prefix: names.prefix });
    eventsRedis = redis.duplicate();
    events = new QueueEvents(queue.name, { connection: eventsRedis, prefix: names.prefix });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((rt) => rt.stop()));
    await events.close();
    await eventsRedis.quit();
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('registers, runs tasks with context and records the result', async () => {
    const progress: unknown[] = [];
    const rt = runtime(async (task, ctx) => {
      await ctx.progress(50);
      progress.push(task.input);
      return { echoed: task.input.word, agent: ctx.agentId, session: task.sessionId };
    });
    await rt.start();
    const agents = await registry.list({ capability: 'echo.run' });
    expect(agents.map((a) => a.id)).toEqual([rt.id]);
    expect(agents[0]?.status).toBe('ready');
    const job = await queue.add('echo.run', { ...jobData({ word: 'hi' }), sessionId: 's1' });
    const result = (await job.waitUntilFinished(events, 5000)) as {
      output: unknown;
      agentId: string;
    };
    expect(result.output).toEqual({ echoed: 'hi', agent: rt.id, session: 's1' });
    expect(result.agentId).toBe(rt.id);
    expect(progress).toHaveLength(1);
  });

  it('aborts a handler that runs past its timeout and fails the attempt', async () => {
    let sawAbort = false;
    const rt = runtime(
      (_task, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    );
    await rt.start();
    const job = await queue.add('echo.run', jobData({}, 150), { attempts: 1 });
    await expect(job.waitUntilFinished(events, 5000)).rejects.toThrow(/timed out after 150 ms/);
    expect(sawAbort).toBe(true);
  });

  it('on stop, finishes in-flight tasks, takes no new ones and deregisters', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const rt = runtime(async () => {
      started += 1;
      await gate;
      return 'done';
    });
    await rt.start();
    const jobs = await Promise.all([1, 2, 3].map(() => queue.add('echo.run', jobData({}))));
    await waitFor(() => started === 3, { what: 'three tasks to start' });
    const stopped = rt.stop();
    await waitFor(async () => (await registry.get(rt.id))?.status === 'draining', {
      what: 'draining',
    });
    const late = await queue.add('echo.run', jobData({}));
    release();
    await stopped;
    for (const job of jobs) expect(await queue.getJobState(String(job.id))).toBe('completed');
    expect(await queue.getJobState(String(late.id))).toBe('waiting');
    expect(await registry.get(rt.id)).toBeUndefined();
    expect(rt.state).toBe('stopped');
    expect((await registry.events()).map((e) => e.type)).toEqual(['joined', 'left']);
  });

  it('after the grace period, hands what is still running back to the queue at once', async () => {
    let aborted = 0;
    const stuck = runtime(
      (_task, ctx) =>
        new Promise((_r, reject) =>
          ctx.signal.addEventListener('abort', () => {
            aborted += 1;
            reject(new Error('x'));
          }),
        ),
      { shutdownGraceMs: 200 },
    );
    await stuck.start();
    const job = await queue.add('echo.run', jobData({}, 60_000), { attempts: 1 });
    await waitFor(() => stuck.activeTasks === 1, { what: 'task to start' });
    const t0 = Date.now();
    await stuck.stop();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(aborted).toBe(1);
    expect(stuck.activeTasks).toBe(0);
    expect(await registry.get(stuck.id)).toBeUndefined();
    // Back in the wait list with its lock released: another agent takes it without waiting.
    expect(await queue.getJobState(String(job.id))).toBe('waiting');
    const next = runtime(async () => 'finished elsewhere');
    await next.start();
    const result = (await job.waitUntilFinished(events, 5000)) as {
      output: unknown;
      agentId: string;
    };
    expect(result).toMatchObject({ output: 'finished elsewhere', agentId: next.id });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('retries a failing task, but not one whose input is invalid', async () => {
    const rt = runtime(async (task) => {
      if (task.input.kind === 'bad')
        throw new ValidationError([{ path: 'input.kind', message: 'bad' }]);
      throw new Error('flaky');
    });
    await rt.start();
    const opts = { attempts: 3, backoff: { type: 'fixed', delay: 10 } };
    const bad = await queue.add('echo.run', jobData({ kind: 'bad' }), opts);
    const flaky = await queue.add('echo.run', jobData({ kind: 'flaky' }), opts);
    await expect(bad.waitUntilFinished(events, 5000)).rejects.toThrow(/invalid input.kind/);
    await expect(flaky.waitUntilFinished(events, 5000)).rejects.toThrow(/flaky/);
    expect((await queue.getJob(String(bad.id)))?.attemptsMade).toBe(1);
    expect((await queue.getJob(String(flaky.id)))?.attemptsMade).toBe(3);
  });

  it('registers again when the registry dropped it (e.g. swept during a long pause)', async () => {
    const rt = runtime(async () => 1);
    await rt.start();
    await redis.del(names.key('registry', 'agent', rt.id));
    await redis.zrem(names.key('registry', 'agents'), rt.id);
    const back = await waitFor(async () => registry.get(rt.id), {
      what: 'the agent to re-register',
    });
    expect(back.type).toBe('echo');
    expect(back.capabilities).toEqual(['echo.run']);
  });

  it('stopped while it starts (a SIGTERM during start): start ends quietly, the agent is gone', async () => {
    const rt = runtime(async () => 1);
    const starting = rt.start();
    // Stop at once and at a few points later in start(): each must end both calls cleanly.
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([starting, rt.stop()]);
    expect(rt.state).toBe('stopped');
    expect(await registry.list({ type: 'echo' })).toEqual([]);
  });

  it('refuses to start twice', async () => {
    const rt = runtime(async () => 1);
    await rt.start();
    await expect(rt.start()).rejects.toThrow(/cannot go from 'running' to 'running'/);
  });
});
