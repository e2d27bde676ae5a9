import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, type Job } from 'bullmq';
import {
  AgentRegistry,
  CapabilityCatalog,
  createLogger,
  loadConfig,
  PolicyManager,
  poolName,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
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
const SLOTS = ['a', 'b'] as const;
const BROKEN = 'tools:\n  world.snapshot:\n    timeoutMs: -5\n';
const DENY_ALL = 'description: world.read is not allowed for now\ntools: {}\n';

describe('tool policy across worker processes', () => {
  let redis: Redis;
  let names: QueueNames;
  let dir: string;
  let policies: PolicyManager;
  const workers: TestProcess[] = [];
  const queues = new Map<string, Queue>();
  let sessions = 0;

  // Each worker carries its own label, so a task on its pool queue runs in that process.
  function startWorker(slot: string): TestProcess {
    return spawnNode(WORKER, ['--agent', 'world-builder'], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_POLICY_DIR: dir,
      TTA_AGENTS: JSON.stringify({ 'world-builder': { labels: { slot } } }),
    });
  }

  /** Runs `world.read` (which calls the world.snapshot tool) in the worker of `slot`. */
  async function readWorld(slot: string): Promise<Job<TaskJobData>> {
    const name = names.capability('world.read', poolName({ slot }));
    const queue = queues.get(name) ?? new Queue(name, { connection: redis, prefix: names.prefix });
    queues.set(name, queue);
    sessions += 1;
    const data: TaskJobData = {
      capability: 'world.read',
      input: {},
      sessionId: `s-${slot}-${sessions}`,
      timeoutMs: 5000,
      enqueuedAt: Date.now(),
    };
    const job = await queue.add('world.read', data, { attempts: 3 });
    await waitFor(
      async () => ['completed', 'failed'].includes(await queue.getJobState(String(job.id))),
      { timeoutMs: 10_000, what: `world.read in slot ${slot}` },
    );
    return (await queue.getJob(String(job.id))) as Job<TaskJobData>;
  }

  beforeAll(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-worker-policy-'));
    cpSync(path.join(REPO_ROOT, 'config/policies'), dir, { recursive: true });
    policies = new PolicyManager({
      connection: redis,
      names,
      dir,
      logger: createLogger({ level: 'error' }),
      catalog: new CapabilityCatalog(loadConfig({ env: {} }).capabilities),
    });
    await policies.start();
    workers.push(...SLOTS.map(startWorker));
    const registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    await waitFor(async () => (await registry.list({ status: 'ready' })).length === 2, {
      timeoutMs: 20_000,
      what: `two ready world-builders\n${workers.map((w) => w.output()).join('\n')}`,
    });
  });

  afterAll(async () => {
    for (const worker of workers) worker.signal('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await policies.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each worker reads worlds through the allowed world.snapshot tool', async () => {
    for (const slot of SLOTS) {
      const job = await readWorld(slot);
      expect(job.failedReason).toBeFalsy();
      expect(job.returnvalue).toMatchObject({ output: { version: 0, world: expect.any(Object) } });
    }
  });

  it('refuses a broken policy file: the status names it, every worker keeps the old policy', async () => {
    const file = path.join(dir, 'world-builder.yaml');
    writeFileSync(file, BROKEN);
    const refused = await policies.reload('test');
    expect(refused.applied).toBe(false);
    const status = await policies.status();
    expect(status.lastError?.message).toBe(
      `${file}: tools.world.snapshot.timeoutMs: must be a positive integer`,
    );
    for (const slot of SLOTS) expect((await readWorld(slot)).failedReason).toBeFalsy();
  });

  it('a reloaded policy that denies the tool reaches every running worker within seconds', async () => {
    writeFileSync(path.join(dir, 'world-builder.yaml'), DENY_ALL);
    const pids = workers.map((w) => w.child.pid);
    expect(await policies.reload('test')).toMatchObject({ applied: true, changed: true });
    const reloadedAt = Date.now();
    for (const slot of SLOTS) {
      const denied = await waitFor(
        async () => {
          const job = await readWorld(slot);
          return job.failedReason?.startsWith('tool_denied: ') ? job : undefined;
        },
        { timeoutMs: 5000, what: `a denied world.read in slot ${slot}` },
      );
      expect(denied.attemptsMade).toBe(1);
      expect(denied.failedReason).toContain(
        "tool 'world.snapshot' denied for agent type 'world-builder'",
      );
    }
    expect(Date.now() - reloadedAt).toBeLessThan(10_000);
    expect(workers.map((w) => w.child.pid)).toEqual(pids);
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
  });
});
