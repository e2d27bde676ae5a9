import path from 'node:path';
import { Queue } from 'bullmq';
import { AgentRegistry, type QueueNames, type TaskJobData } from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  REPO_ROOT,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

const WORKER = 'apps/worker/dist/main.js';

describe('worker process', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let queue: Queue;
  let worker: TestProcess | undefined;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    queue = new Queue(names.capability('narrative.generate'), {
      connection: redis,
      prefix: names.prefix,
    });
  });

  afterEach(async () => {
    worker?.signal('SIGKILL');
    await worker?.exited;
    worker = undefined;
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function startWorker(args: string[], env: NodeJS.ProcessEnv = {}): TestProcess {
    return spawnNode(WORKER, args, {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      ...env,
    });
  }

  it('on SIGTERM with tasks in flight: they complete, the agent leaves the registry, exit 0', async () => {
    const total = 3000;
    const data = (i: number): TaskJobData => ({
      capability: 'narrative.generate',
      input: { text: `look around ${i}` },
      timeoutMs: 10_000,
      enqueuedAt: Date.now(),
    });
    await queue.addBulk(
      Array.from({ length: total }, (_, i) => ({ name: 'narrative.generate', data: data(i) })),
    );
    worker = startWorker(['--agent', 'narrative-generator']);
    const agent = await waitFor(
      async () => (await registry.list({ type: 'narrative-generator' }))[0],
      {
        timeoutMs: 15_000,
        what: `the worker to register\n${worker.output()}`,
      },
    );
    await waitFor(async () => (await queue.getJobCounts('active')).active! > 0, {
      what: 'tasks in flight',
    });
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    const counts = await queue.getJobCounts('active', 'failed', 'completed', 'waiting');
    expect(counts.active).toBe(0);
    expect(counts.failed).toBe(0);
    expect(counts.completed).toBeGreaterThan(0);
    expect(counts.completed! + counts.waiting!).toBe(total);
    expect(await registry.get(agent.id)).toBeUndefined();
    const events = (await registry.events())
      .filter((e) => e.agentId === agent.id)
      .map((e) => e.type);
    expect(events).toEqual(['joined', 'left']);
  });

  describe('with slow tasks', () => {
    const chaosEnv = (graceMs: number): NodeJS.ProcessEnv => ({
      TTA_WORKER_SHUTDOWN_GRACE_MS: String(graceMs),
      TTA_CAPABILITIES: JSON.stringify({ 'test.chaos': { agentType: 'chaos' } }),
      TTA_AGENTS: JSON.stringify({
        chaos: {
          concurrency: 4,
          module: path.join(REPO_ROOT, 'test/fixtures/agents/chaos-agent.js'),
        },
      }),
    });
    let chaosQueue: Queue;
    const others: TestProcess[] = [];

    beforeEach(() => {
      chaosQueue = new Queue(names.capability('test.chaos'), {
        connection: redis,
        prefix: names.prefix,
      });
    });

    afterEach(async () => {
      for (const other of others.splice(0)) {
        other.signal('SIGKILL');
        await other.exited;
      }
      await chaosQueue.close();
    });

    const addSlow = (count: number, ms: number) =>
      chaosQueue.addBulk(
        Array.from({ length: count }, () => ({
          name: 'test.chaos',
          data: {
            capability: 'test.chaos',
            input: { ms },
            timeoutMs: 60_000,
            enqueuedAt: Date.now(),
          },
        })),
      );

    it('after the grace period, hands unfinished tasks back so another agent takes them at once', async () => {
      worker = startWorker(['--agent', 'chaos'], chaosEnv(300));
      await waitFor(async () => (await registry.list({ status: 'ready' }))[0], {
        timeoutMs: 15_000,
        what: 'worker',
      });
      const jobs = await addSlow(2, 30_000);
      await waitFor(async () => (await chaosQueue.getJobCounts('active')).active === 2, {
        what: 'tasks to start',
      });
      worker.signal('SIGTERM');
      expect(await worker.exited).toBe(0);
      const exitedAt = Date.now();
      expect(await chaosQueue.getJobCounts('active', 'waiting')).toMatchObject({
        active: 0,
        waiting: 2,
      });
      others.push(startWorker(['--agent', 'chaos'], chaosEnv(300)));
      await waitFor(async () => (await chaosQueue.getJobCounts('active')).active === 2, {
        timeoutMs: 15_000,
        what: 'the handed-back tasks to run on the new agent',
      });
      // Well under the lock expiry plus process start: nothing waited for a lock to expire.
      const firstState = await Promise.all(jobs.map((j) => chaosQueue.getJobState(String(j.id))));
      expect(firstState).toEqual(['active', 'active']);
      expect(Date.now() - exitedAt).toBeLessThan(10_000);
    });

    it('a second signal forces the worker out with exit code 1', async () => {
      worker = startWorker(['--agent', 'chaos'], chaosEnv(30_000));
      await waitFor(async () => (await registry.list({ status: 'ready' }))[0], {
        timeoutMs: 15_000,
        what: 'worker',
      });
      await addSlow(1, 30_000);
      await waitFor(async () => (await chaosQueue.getJobCounts('active')).active === 1, {
        what: 'task to start',
      });
      worker.signal('SIGTERM');
      await waitFor(async () => (await registry.list({ status: 'draining' })).length === 1, {
        what: 'draining',
      });
      const t0 = Date.now();
      worker.signal('SIGTERM');
      expect(await worker.exited).toBe(1);
      expect(Date.now() - t0).toBeLessThan(2000);
    });
  });

  it('processes a task and stores its result', async () => {
    worker = startWorker([], { AGENT_TYPE: 'narrative-generator' });
    const job = await queue.add('narrative.generate', {
      capability: 'narrative.generate',
      input: { text: 'look around' },
      timeoutMs: 10_000,
      enqueuedAt: Date.now(),
    });
    const state = await waitFor(
      async () => {
        const s = await queue.getJobState(String(job.id));
        return s === 'completed' || s === 'failed' ? s : undefined;
      },
      { timeoutMs: 15_000, what: 'the task to finish' },
    );
    expect(state).toBe('completed');
    const stored = await queue.getJob(String(job.id));
    const result = stored?.returnvalue as { output: { passage: string }; agentId: string };
    expect(result.output.passage.length).toBeGreaterThan(20);
    expect(result.agentId).toMatch(/^narrative-generator-/);
  });

  it('refuses an unknown agent type with one clear line and exit code 2', async () => {
    worker = startWorker(['--agent', 'nope']);
    expect(await worker.exited).toBe(2);
    expect(worker.output().trim()).toMatch(
      /^worker: unknown agent type 'nope': built-in types are .*narrative-generator.*agents\.nope\.module$/,
    );
  });

  it('refuses an agent module that cannot be loaded, naming the config key', async () => {
    worker = startWorker(['--agent', 'ghost'], {
      TTA_AGENTS: JSON.stringify({ ghost: { module: '/nonexistent/ghost-agent.js' } }),
    });
    expect(await worker.exited).toBe(2);
    expect(worker.output().trim()).toMatch(
      /^agents\.ghost\.module: cannot load \/nonexistent\/ghost-agent\.js/,
    );
  });

  it('refuses an invalid config value with one line naming the key and exit code 2', async () => {
    worker = startWorker(['--agent', 'narrative-generator'], { TTA_REGISTRY_TTL_MS: 'soon' });
    expect(await worker.exited).toBe(2);
    const lines = worker.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/registry\.ttlMs/);
  });
});
