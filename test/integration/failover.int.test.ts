import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { AgentRegistry, type AgentInfo, type QueueNames, type TaskJobData } from '@tta/core';
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

const KILLS = 20;
const TASK_MS = 1000;
const CAPABILITY = 'test.chaos';

interface Start {
  taskId: string;
  agentId: string;
  startedAt: number;
}

// Fast failover with real worker processes run by a real supervisor: an agent killed with
// SIGKILL mid-task has its tasks running again on another agent within 3 s, every task
// completes, and none is recorded as completed twice.
describe('failover', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let queue: Queue;
  let events: QueueEvents;
  let eventsRedis: Redis;
  let supervisor: TestProcess | undefined;
  const completions = new Map<string, number>();

  beforeAll(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
    queue = new Queue(names.capability(CAPABILITY), { connection: redis, prefix: names.prefix });
    eventsRedis = redis.duplicate();
    events = new QueueEvents(queue.name, { connection: eventsRedis, prefix: names.prefix });
    events.on('completed', ({ jobId }) =>
      completions.set(jobId, (completions.get(jobId) ?? 0) + 1),
    );
    await events.waitUntilReady();
    supervisor = spawnNode('apps/supervisor/dist/main.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_RESTART_BACKOFF_MS: '100',
      TTA_SUPERVISOR_RESTART_LIMIT: '100',
      TTA_SUPERVISOR_RESTART_MAX_BACKOFF_MS: '400',
      TTA_CAPABILITIES: JSON.stringify({ [CAPABILITY]: { agentType: 'chaos', attempts: 5 } }),
      TTA_AGENTS: JSON.stringify({
        'input-processor': { enabled: false },
        'world-builder': { enabled: false },
        'narrative-generator': { enabled: false },
        chaos: {
          replicas: 3,
          concurrency: 4,
          module: path.join(REPO_ROOT, 'test/fixtures/agents/chaos-agent.js'),
        },
      }),
    });
  });

  afterAll(async () => {
    supervisor?.signal('SIGTERM');
    await supervisor?.exited;
    await events.close();
    await eventsRedis.quit();
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  const liveAgents = (count: number) =>
    waitFor(
      async () => {
        const agents = await registry.list({ type: 'chaos', status: 'ready' });
        return agents.length >= count ? agents : undefined;
      },
      { timeoutMs: 20_000, what: `${count} live chaos agents\n${supervisor?.output() ?? ''}` },
    );

  async function starts(): Promise<Start[]> {
    const raw = await redis.lrange(names.key('chaos', 'starts'), 0, -1);
    return raw.map((line) => JSON.parse(line) as Start);
  }

  async function killOneBusyAgent(agents: AgentInfo[], taskIds: string[]) {
    const running = await waitFor(
      async () => {
        const seen = (await starts()).filter((s) => taskIds.includes(s.taskId));
        return seen.length === taskIds.length ? seen : undefined;
      },
      { what: 'every task of the round to start' },
    );
    const victim = agents.find((a) => running.some((s) => s.agentId === a.id)) as AgentInfo;
    const orphans = running.filter((s) => s.agentId === victim.id).map((s) => s.taskId);
    const killedAt = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    return { victim, orphans, killedAt };
  }

  it(`recovers the tasks of an agent killed mid-task, ${KILLS} times, each within 3 s`, async () => {
    const recoveries: number[] = [];
    const allTaskIds: string[] = [];
    for (let round = 0; round < KILLS; round += 1) {
      const agents = await liveAgents(3);
      const data: TaskJobData = {
        capability: CAPABILITY,
        input: { ms: TASK_MS },
        timeoutMs: 30_000,
        enqueuedAt: Date.now(),
      };
      const jobs = await queue.addBulk(
        Array.from({ length: 6 }, () => ({ name: CAPABILITY, data, opts: { attempts: 5 } })),
      );
      const taskIds = jobs.map((j) => String(j.id));
      allTaskIds.push(...taskIds);
      const { victim, orphans, killedAt } = await killOneBusyAgent(agents, taskIds);
      for (const taskId of orphans) {
        const restart = await waitFor(
          async () =>
            (await starts()).find(
              (s) => s.taskId === taskId && s.agentId !== victim.id && s.startedAt >= killedAt,
            ),
          { timeoutMs: 10_000, what: `task ${taskId} to restart elsewhere` },
        );
        recoveries.push(restart.startedAt - killedAt);
      }
      if (process.env.TTA_TEST_VERBOSE) {
        process.stdout.write(
          `round ${round}: ${recoveries.slice(-orphans.length).join(', ')} ms\n`,
        );
      }
      await waitFor(
        async () => (await queue.getJobCounts('completed')).completed === allTaskIds.length,
        { timeoutMs: 20_000, what: `round ${round} to complete` },
      );
    }
    const sorted = [...recoveries].sort((a, b) => a - b);
    process.stdout.write(
      `failover over ${KILLS} kills (${recoveries.length} tasks): median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms\n`,
    );
    expect(recoveries.length).toBeGreaterThanOrEqual(KILLS);
    expect(Math.max(...recoveries)).toBeLessThan(3000);
    const counts = await queue.getJobCounts('completed', 'failed', 'active', 'waiting');
    expect(counts).toMatchObject({
      completed: allTaskIds.length,
      failed: 0,
      active: 0,
      waiting: 0,
    });
    await waitFor(() => allTaskIds.every((id) => completions.has(id)), {
      what: 'completed events',
    });
    for (const id of allTaskIds) expect(completions.get(id)).toBe(1);
  }, 240_000);
});
