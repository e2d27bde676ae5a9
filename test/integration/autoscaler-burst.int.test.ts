import path from 'node:path';
import { Queue } from 'bullmq';
import { AgentRegistry, ScalingStore, type QueueNames, type TaskJobData } from '@tta/core';
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

const CAPABILITY = 'test.chaos';
const TASKS = 2000;
const TASK_MS = 200;
const MIN = 1;
const MAX = 4;

// The autoscaler of a real supervisor, with its local executor, facing a burst: 2,000 tasks of
// 200 ms each on one worker of concurrency 16 (25 s of work) make it start more workers within
// 5 s, and once the backlog has drained it returns to the minimum.
describe('autoscaling a burst with the local executor', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let queue: Queue;
  let supervisor: TestProcess | undefined;

  beforeAll(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    queue = new Queue(names.capability(CAPABILITY), { connection: redis, prefix: names.prefix });
    supervisor = spawnNode('apps/supervisor/dist/main.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_AUTOSCALER_ENABLED: 'true',
      TTA_AUTOSCALER_INTERVAL_MS: '500',
      TTA_AUTOSCALER_SCALE_DOWN_AFTER_MS: '2000',
      TTA_CAPABILITIES: JSON.stringify({ [CAPABILITY]: { agentType: 'chaos' } }),
      TTA_AGENTS: JSON.stringify({
        'input-processor': { enabled: false },
        'world-builder': { enabled: false },
        'narrative-generator': { enabled: false },
        chaos: {
          replicas: MIN,
          minReplicas: MIN,
          maxReplicas: MAX,
          concurrency: 16,
          module: path.join(REPO_ROOT, 'test/fixtures/agents/chaos-agent.js'),
        },
      }),
    });
  });

  afterAll(async () => {
    supervisor?.signal('SIGTERM');
    await supervisor?.exited;
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  const live = async () => (await registry.list({ type: 'chaos', status: 'ready' })).length;
  const output = () => supervisor?.output().slice(-4000) ?? '';

  it('scales up within 5 s of a burst and back to the minimum after it drains', async () => {
    await waitFor(async () => (await live()) === MIN, {
      timeoutMs: 20_000,
      what: `${MIN} live chaos agent\n${output()}`,
    });
    const data: TaskJobData = {
      capability: CAPABILITY,
      input: { ms: TASK_MS },
      timeoutMs: 30_000,
      enqueuedAt: Date.now(),
    };
    const burstAt = Date.now();
    await queue.addBulk(Array.from({ length: TASKS }, () => ({ name: CAPABILITY, data })));

    let peak = MIN;
    const sampler = setInterval(() => {
      void live().then((n) => (peak = Math.max(peak, n)));
    }, 200);
    try {
      await waitFor(async () => (await live()) > MIN, {
        timeoutMs: 5000,
        intervalMs: 50,
        what: `a second chaos agent within 5 s of the burst\n${output()}`,
      });
      const firstScaleUpMs = Date.now() - burstAt;
      await waitFor(async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= TASKS, {
        timeoutMs: 60_000,
        what: `${TASKS} completed tasks\n${output()}`,
      });
      const drainedMs = Date.now() - burstAt;
      await waitFor(async () => (await live()) === MIN, {
        timeoutMs: 30_000,
        what: `the chaos agents back to ${MIN}\n${output()}`,
      });
      const backToMinMs = Date.now() - burstAt;
      expect(peak).toBeGreaterThan(MIN);
      expect(peak).toBeLessThanOrEqual(MAX);
      // One worker alone would need TASKS × TASK_MS / 16 = 25 s.
      expect(drainedMs).toBeLessThan(20_000);

      const report = await new ScalingStore(redis, { names }).read();
      const directions = report.decisions.map((d) => d.direction);
      expect(directions).toContain('up');
      expect(directions).toContain('down');
      expect(report.agentTypes[0]).toMatchObject({ type: 'chaos', min: MIN, max: MAX });
      const firstUp = report.decisions.findLast((d) => d.direction === 'up');
      expect(firstUp?.backlog).toBeGreaterThan(0);
      process.stdout.write(`${JSON.stringify({ firstScaleUpMs, peak, drainedMs, backToMinMs })}\n`);
    } finally {
      clearInterval(sampler);
    }
  }, 120_000);
});
