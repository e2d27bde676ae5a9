import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import {
  AgentRegistry,
  createLogger,
  PolicyManager,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { AgentRuntime, defineAgent, defineTool } from '@tta/agent-sdk';

const logger = createLogger({ level: 'error' });
const CAPABILITY = 'echo.run';

/** A tool that answers at once, and one that never answers. */
const tools = [
  defineTool({ name: 'echo.tool', handler: async (args) => ({ said: args.text }) }),
  defineTool({ name: 'slow.tool', handler: () => new Promise(() => undefined) }),
];

function jobData(input: Record<string, unknown>): TaskJobData {
  return { capability: CAPABILITY, input, timeoutMs: 5000, enqueuedAt: Date.now() };
}

describe('the tool policy in a running agent', () => {
  let redis: Redis;
  let names: QueueNames;
  let dir: string;
  let policies: PolicyManager;
  let queue: Queue;
  let events: QueueEvents;
  let eventsRedis: Redis;
  let metrics: Registry;
  let runtime: AgentRuntime | undefined;
  const starts: number[] = [];

  /** Writes the echo agent's policy file; the next start or reload reads it. */
  const writePolicy = (yaml: string) => writeFileSync(path.join(dir, 'echo.yaml'), yaml);

  async function startAgent(): Promise<AgentRuntime> {
    policies = new PolicyManager({ connection: redis, names, dir, logger });
    await policies.start();
    runtime = new AgentRuntime(
      defineAgent({
        type: 'echo',
        capabilities: [CAPABILITY],
        concurrency: 8,
        tools,
        handler: async (task, ctx) => {
          starts.push(Date.now());
          const { tool } = task.input;
          return typeof tool === 'string' ? ctx.tools.call(tool, { text: 'hi' }) : 'no tool';
        },
      }),
      {
        connection: redis,
        names,
        registry: new AgentRegistry(redis, { names, ttlMs: 1000 }),
        logger,
        metrics,
        policies,
        heartbeatIntervalMs: 200,
      },
    );
    await runtime.start();
    return runtime;
  }

  async function finished(job: Job): Promise<Job> {
    await job.waitUntilFinished(events, 10_000).catch(() => undefined);
    return (await queue.getJob(String(job.id))) as Job;
  }

  async function toolCalls(tool: string, outcome: string): Promise<number> {
    const metric = (await metrics.getMetricsAsJSON()).find(
      (m) => m.name === 'tta_tool_calls_total',
    );
    const values = (metric?.values ?? []) as Array<{
      labels: Record<string, string>;
      value: number;
    }>;
    return values.find((v) => v.labels.tool === tool && v.labels.outcome === outcome)?.value ?? 0;
  }

  beforeEach(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-tool-policy-'));
    metrics = new Registry();
    starts.length = 0;
    queue = new Queue(names.capability(CAPABILITY), { connection: redis, prefix: names.prefix });
    eventsRedis = redis.duplicate();
    events = new QueueEvents(queue.name, { connection: eventsRedis, prefix: names.prefix });
    await events.waitUntilReady();
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await policies.close();
    await events.close();
    await eventsRedis.quit();
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a task whose tool is denied with tool_denied, after one attempt, and counts it', async () => {
    writePolicy('tools: { echo.tool: {} }');
    await startAgent();
    const job = await finished(
      await queue.add(CAPABILITY, jobData({ tool: 'slow.tool' }), { attempts: 3 }),
    );
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(
      /^tool_denied: tool 'slow.tool' denied for agent type 'echo': not in the tools of the echo policy/,
    );
    expect(await toolCalls('slow.tool', 'denied')).toBe(1);
  });

  it('runs an allowed tool, and aborts one past its timeout', async () => {
    writePolicy('tools:\n  echo.tool: {}\n  slow.tool: { timeoutMs: 200 }\n');
    await startAgent();
    const ok = await finished(await queue.add(CAPABILITY, jobData({ tool: 'echo.tool' })));
    expect(ok.returnvalue).toMatchObject({ output: { said: 'hi' } });
    const slow = await finished(
      await queue.add(CAPABILITY, jobData({ tool: 'slow.tool' }), { attempts: 1 }),
    );
    expect(slow.failedReason).toBe("tool 'slow.tool' timed out after 200 ms");
    // Well within the task's own 5 s timeout.
    expect(slow.finishedOn! - slow.processedOn!).toBeLessThan(4000);
    expect(await toolCalls('echo.tool', 'allowed')).toBe(1);
    expect(await toolCalls('slow.tool', 'timeout')).toBe(1);
  });

  it('applies a reloaded policy to the next task without a restart', async () => {
    writePolicy('tools: { echo.tool: {} }');
    const rt = await startAgent();
    const before = await finished(await queue.add(CAPABILITY, jobData({ tool: 'echo.tool' })));
    expect(await before.getState()).toBe('completed');
    writePolicy('tools: {}');
    expect(await policies.reload('test')).toMatchObject({ applied: true, changed: true });
    const after = await finished(
      await queue.add(CAPABILITY, jobData({ tool: 'echo.tool' }), { attempts: 3 }),
    );
    expect(after.failedReason).toMatch(/^tool_denied: /);
    expect(after.attemptsMade).toBe(1);
    expect(rt.state).toBe('running');
  });

  it('spaces the tasks of a rate-limited capability as BullMQ`s limiter does', async () => {
    writePolicy(`rateLimits: { ${CAPABILITY}: { max: 2, durationMs: 1000 } }`);
    await startAgent();
    const jobs = await queue.addBulk(
      Array.from({ length: 6 }, () => ({ name: CAPABILITY, data: jobData({}) })),
    );
    await Promise.all(jobs.map((job) => finished(job)));
    expectSpaced(starts, 2, 1000);
  });

  it('replaces the workers of a capability whose rate limit changes', async () => {
    writePolicy('tools: {}');
    const rt = await startAgent();
    const unlimited = await queue.addBulk(
      Array.from({ length: 6 }, () => ({ name: CAPABILITY, data: jobData({}) })),
    );
    await Promise.all(unlimited.map((job) => finished(job)));
    expect(Math.max(...starts) - Math.min(...starts)).toBeLessThan(900);

    writePolicy(`rateLimits: { ${CAPABILITY}: { max: 1, durationMs: 600 } }`);
    const replaced = once<string>(rt, 'rate-limit-changed', 10_000);
    await policies.reload('test');
    expect(await replaced).toBe(queue.name);
    starts.length = 0;
    const limited = await queue.addBulk(
      Array.from({ length: 4 }, () => ({ name: CAPABILITY, data: jobData({}) })),
    );
    await Promise.all(limited.map((job) => finished(job)));
    expectSpaced(starts, 1, 600);
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === 10);
  });
});

/** No window of `durationMs` holds more than `max` starts (10% slack for timer granularity). */
function expectSpaced(startTimes: number[], max: number, durationMs: number): void {
  const sorted = [...startTimes].sort((a, b) => a - b);
  for (let i = 0; i + max < sorted.length; i += 1) {
    expect(sorted[i + max]! - sorted[i]!).toBeGreaterThanOrEqual(durationMs * 0.9);
  }
}
