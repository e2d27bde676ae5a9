import { Queue } from 'bullmq';
import { AgentRegistry, createLogger, type QueueNames, type TaskJobData } from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import {
  AgentRuntime,
  defineAgent,
  type AgentHandler,
  type ConcurrencyTuningOptions,
} from '@tta/agent-sdk';

const logger = createLogger({ level: 'error' });

function jobData(): TaskJobData {
  return { capability: 'tune.run', input: {}, timeoutMs: 30_000, enqueuedAt: Date.now() };
}

describe('ConcurrencyTuner', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let queue: Queue;
  const runtimes: AgentRuntime[] = [];

  function runtime(
    handler: AgentHandler,
    concurrency: number,
    tuning: ConcurrencyTuningOptions,
    metrics?: Registry,
  ): AgentRuntime {
    const rt = new AgentRuntime(
      defineAgent({ type: 'tune', capabilities: ['tune.run'], concurrency, handler }),
      { connection: redis, names, registry, logger, heartbeatIntervalMs: 200, tuning, metrics },
    );
    runtimes.push(rt);
    return rt;
  }

  async function backlog(count: number): Promise<void> {
    await queue.addBulk(
      Array.from({ length: count }, () => ({
        name: 'tune.run',
        data: jobData(),
        opts: { removeOnComplete: true },
      })),
    );
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 1000 });
    queue = new Queue(names.capability('tune.run'), { connection: redis, prefix: names.prefix });
  });

  afterEach(async () => {
    await queue.pause();
    await Promise.all(runtimes.splice(0).map((rt) => rt.stop()));
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('raises the concurrency of an I/O-bound agent with a backlog toward its maximum', async () => {
    const metrics = new Registry();
    const rt = runtime(
      // An I/O-bound task: 200 ms of waiting and no CPU.
      () => new Promise((resolve) => setTimeout(resolve, 200)),
      2,
      {
        enabled: true,
        minConcurrency: 1,
        maxConcurrency: 12,
        intervalMs: 200,
        maxEventLoopDelayMs: 100,
      },
      metrics,
    );
    await backlog(800);
    await rt.start();
    expect(rt.concurrency).toBe(2);
    const trajectory: number[] = [];
    await waitFor(
      () => {
        trajectory.push(rt.concurrency);
        return rt.concurrency >= 10;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(Math.max(...trajectory)).toBeLessThanOrEqual(12);
    const agent = await waitFor(async () => {
      const info = await registry.get(rt.id);
      return info && info.concurrency >= 10 ? info : undefined;
    });
    expect(agent.concurrency).toBeLessThanOrEqual(12);
    const gauge = await metrics.getSingleMetricAsString('tta_agent_concurrency');
    expect(gauge).toMatch(/tta_agent_concurrency\{agent_type="tune"\} (1[0-2])/);
  });

  it('lowers the concurrency of a CPU-bound agent whose event loop is delayed', async () => {
    const rt = runtime(
      async () => {
        const until = Date.now() + 50;
        while (Date.now() < until);
        return 'done';
      },
      16,
      {
        enabled: true,
        minConcurrency: 1,
        maxConcurrency: 16,
        intervalMs: 200,
        maxEventLoopDelayMs: 20,
      },
    );
    await backlog(300);
    await rt.start();
    expect(rt.concurrency).toBe(16);
    await waitFor(() => rt.concurrency <= 4, { timeoutMs: 15_000, intervalMs: 100 });
    const agent = await waitFor(async () => {
      const info = await registry.get(rt.id);
      return info && info.concurrency <= 4 ? info : undefined;
    });
    expect(agent.concurrency).toBeGreaterThanOrEqual(1);
  });

  it('leaves the concurrency alone when tuning is off', async () => {
    // The same I/O-bound task: 200 ms of waiting.
    const rt = runtime(() => new Promise((resolve) => setTimeout(resolve, 200)), 2, {
      enabled: false,
      intervalMs: 200,
    });
    await backlog(60);
    await rt.start();
    // At least 15 tasks done: seven tuning intervals and more.
    await waitFor(async () => (await queue.getWaitingCount()) <= 45);
    expect(rt.concurrency).toBe(2);
    expect((await registry.get(rt.id))?.concurrency).toBe(2);
  });
});
