import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { AgentRegistry, QueueNames, type TaskJobData } from '@tta/core';
import type { Redis } from 'ioredis';

const REPO = path.resolve(__dirname, '../..');
const CAPABILITY = 'test.chaos';

/** Options of {@link measureFailover}. */
export interface FailoverOptions {
  redis: Redis;
  redisUrl: string;
  /** How many times an agent is killed. */
  kills: number;
  /** How long each task works. */
  taskMs: number;
}

interface Start {
  taskId: string;
  agentId: string;
  startedAt: number;
}

/**
 * Time from SIGKILL of an agent with tasks in flight to those tasks running again on another
 * agent, over repeated kills: three worker processes of the test `chaos` agent, one killed and
 * replaced per round. Returns every recovery in milliseconds.
 */
export async function measureFailover(options: FailoverOptions): Promise<number[]> {
  const names = new QueueNames(`{bench-failover-${process.pid}-${Date.now()}}`);
  const registry = new AgentRegistry(options.redis, { names });
  const queue = new Queue(names.capability(CAPABILITY), {
    connection: options.redis,
    prefix: names.prefix,
  });
  const workers = new Set<ChildProcess>();
  const spawnWorker = () => workers.add(startWorker(options.redisUrl, names.prefix));
  const recoveries: number[] = [];
  try {
    for (let i = 0; i < 3; i += 1) spawnWorker();
    for (let round = 0; round < options.kills; round += 1) {
      const agents = await until(async () => {
        const live = await registry.list({ type: 'chaos', status: 'ready' });
        return live.length >= 3 ? live : undefined;
      });
      const data: TaskJobData = {
        capability: CAPABILITY,
        input: { ms: options.taskMs },
        timeoutMs: 30_000,
        enqueuedAt: Date.now(),
      };
      const jobs = await queue.addBulk(
        Array.from({ length: 4 }, () => ({ name: CAPABILITY, data, opts: { attempts: 5 } })),
      );
      const ids = jobs.map((j) => String(j.id));
      const running = await until(async () => {
        const seen = (await starts(options.redis, names)).filter((s) => ids.includes(s.taskId));
        return seen.length === ids.length ? seen : undefined;
      });
      const victim = agents.find((a) => running.some((s) => s.agentId === a.id));
      if (!victim) throw new Error("no agent runs the round's tasks");
      const orphans = running.filter((s) => s.agentId === victim.id).map((s) => s.taskId);
      const killedAt = Date.now();
      process.kill(victim.pid, 'SIGKILL');
      spawnWorker();
      for (const taskId of orphans) {
        const restart = await until(async () =>
          (await starts(options.redis, names)).find(
            (s) => s.taskId === taskId && s.startedAt >= killedAt && s.agentId !== victim.id,
          ),
        );
        recoveries.push(restart.startedAt - killedAt);
      }
      await until(async () => (await queue.getJobCounts('active')).active === 0);
    }
    return recoveries;
  } finally {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    const keys = await options.redis.keys(`${names.prefix}*`);
    if (keys.length > 0) await options.redis.del(...keys);
  }
}

function startWorker(redisUrl: string, prefix: string): ChildProcess {
  return spawn(
    process.execPath,
    [path.join(REPO, 'apps/worker/dist/main.js'), '--agent', 'chaos'],
    {
      stdio: 'ignore',
      env: {
        ...process.env,
        NODE_ENV: 'test',
        REDIS_URL: redisUrl,
        TTA_REDIS_PREFIX: prefix,
        TTA_WORKER_DIAGNOSTICS_PORT: '-1',
        TTA_CAPABILITIES: JSON.stringify({ [CAPABILITY]: { agentType: 'chaos', attempts: 5 } }),
        TTA_AGENTS: JSON.stringify({
          chaos: { concurrency: 4, module: path.join(REPO, 'test/fixtures/agents/chaos-agent.js') },
        }),
      },
    },
  );
}

async function starts(redis: Redis, names: QueueNames): Promise<Start[]> {
  const raw = await redis.lrange(names.key('chaos', 'starts'), 0, -1);
  return raw.map((line) => JSON.parse(line) as Start);
}

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('failover bench: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
