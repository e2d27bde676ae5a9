import { Queue } from 'bullmq';
import { AgentRegistry, type QueueNames, type TaskJobData } from '@tta/core';
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

const WORKER = 'apps/worker/dist/main.js';

describe('worker process with labels from config', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let pool: Queue;
  let worker: TestProcess | undefined;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    pool = new Queue(names.capability('narrative.generate', 'tier-fast'), {
      connection: redis,
      prefix: names.prefix,
    });
  });

  afterEach(async () => {
    worker?.signal('SIGKILL');
    await worker?.exited;
    worker = undefined;
    await pool.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function startWorker(agents: string): TestProcess {
    return spawnNode(WORKER, ['--agent', 'narrative-generator'], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_AGENTS: agents,
    });
  }

  it('registers its labels and pool queues, and runs a task of its pool', async () => {
    worker = startWorker('{"narrative-generator":{"labels":{"tier":"fast"}}}');
    const agent = await waitFor(
      async () => (await registry.list({ type: 'narrative-generator' }))[0],
      { timeoutMs: 15_000, what: 'the worker to register' },
    );
    expect(agent.labels).toEqual({ tier: 'fast' });
    expect(agent.queues).toEqual(['cap.narrative.generate', 'cap.narrative.generate.tier-fast']);
    const data: TaskJobData = {
      capability: 'narrative.generate',
      input: { text: 'look around' },
      requirements: { tier: 'fast' },
      timeoutMs: 10_000,
      enqueuedAt: Date.now(),
    };
    const job = await pool.add('narrative.generate', data);
    const state = await waitFor(
      async () => {
        const s = await pool.getJobState(String(job.id));
        return s === 'completed' || s === 'failed' ? s : undefined;
      },
      { timeoutMs: 15_000, what: 'the pooled task to finish' },
    );
    expect(state).toBe('completed');
    const stored = await pool.getJob(String(job.id));
    expect((stored?.returnvalue as { agentId: string }).agentId).toBe(agent.id);
  });

  it('refuses more than 3 labels with one line naming the key and exit code 2', async () => {
    worker = startWorker('{"narrative-generator":{"labels":{"a":"1","b":"2","c":"3","d":"4"}}}');
    expect(await worker.exited).toBe(2);
    const lines = worker.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/agents\.narrative-generator\.labels: at most 3 labels/);
  });
});
