import path from 'node:path';
import { Queue } from 'bullmq';
import {
  AgentRegistry,
  createLogger,
  DeadAgentJobs,
  QueueNames,
  QueueShards,
  Supervisor,
  type RedisClient,
  type TaskJobData,
} from '@tta/core';
import { REPO_DIR } from '../app-process';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { barChart } from '../charts/bar-chart';
import { spawnNode, until, type NodeChild } from '../node-child';
import { below, fmt, info, type Scenario } from '../scenario';
import { summarize } from '../stats';

const CAPABILITY = 'test.chaos';
const TASK_MS = 1000;
const TARGET_MS = 3000;

interface Start {
  taskId: string;
  agentId: string;
  startedAt: number;
}

/**
 * Failover: time from SIGKILL of an agent with tasks in flight to those tasks running again on
 * another agent, over repeated kills, with a supervisor releasing a dead agent's jobs.
 */
export const failoverScenario: Scenario = {
  id: 'failover',
  title: 'Failover: SIGKILLed agent',
  async run(context) {
    const kills = context.settings.failoverKills;
    const recoveries = await measureFailover(context.redis, context.redisUrl, kills);
    const s = summarize(recoveries);
    context.log(
      `  ${s.count} orphaned tasks over ${kills} kills: p50 ${fmt(s.p50)} ms, max ${fmt(s.max)} ms`,
    );
    return {
      data: { kills, taskMs: TASK_MS, recoveriesMs: recoveries, ...s },
      rows: [
        info('kills / orphaned tasks', `${kills} / ${s.count}`),
        info('recovery p50', `${fmt(s.p50)} ms`),
        below('recovery max (every kill)', s.max, TARGET_MS, 0, ' ms'),
      ],
      charts: [
        barChart({
          name: 'failover',
          title: `Failover: SIGKILL to restart on another agent, ${s.count} tasks over ${kills} kills`,
          unit: 'ms',
          categories: ['p50', 'p90', 'max'],
          series: [{ name: 'recovery', values: [s.p50, s.p90, s.max] }],
          target: { value: TARGET_MS, label: 'target 3 s' },
        }),
      ],
      method: `Three worker processes (\`apps/worker\`, the test \`chaos\` agent at concurrency 4, default liveness config: heartbeat 0.5 s, registry TTL 2 s, job lock 10 s renewed every 1 s, stalled check every 250 ms) consume one queue, and a supervisor (in the bench process, sweeping every 250 ms) watches the registry. Each round adds 4 tasks of ${TASK_MS} ms, waits until all run, SIGKILLs an agent that runs some of them and starts a replacement; the handler records every start in Redis, and the recovery of an orphaned task is its next start on another agent minus the kill time. The supervisor finds the killed agent dead once its heartbeat is 2 s old and removes the locks of its jobs; the stalled check of the surviving workers then puts them back to wait, long before their 10 s locks would expire.`,
    };
  },
};

async function measureFailover(
  redis: RedisClient,
  redisUrl: string,
  kills: number,
): Promise<number[]> {
  const names = new QueueNames(uniquePrefix('failover'));
  const registry = new AgentRegistry(redis, { names });
  const supervisor = new Supervisor({
    redis,
    names,
    registry,
    logger: createLogger({ level: 'error' }),
    id: 'bench-supervisor',
    replicas: {},
    deadAgentJobs: new DeadAgentJobs({ redis, shards: new QueueShards(names.prefix) }),
  });
  const queue = new Queue(names.capability(CAPABILITY), {
    connection: redis,
    prefix: names.prefix,
  });
  const workers = new Set<NodeChild>();
  const spawnWorker = () => workers.add(startWorker(redisUrl, names.prefix));
  const recoveries: number[] = [];
  try {
    await supervisor.start();
    for (let i = 0; i < 3; i += 1) spawnWorker();
    for (let round = 0; round < kills; round += 1) {
      const agents = await until('3 live agents', async () => {
        const live = await registry.list({ type: 'chaos', status: 'ready' });
        return live.length >= 3 ? live : undefined;
      });
      const data: TaskJobData = {
        capability: CAPABILITY,
        input: { ms: TASK_MS },
        timeoutMs: 30_000,
        enqueuedAt: Date.now(),
      };
      const jobs = await queue.addBulk(
        Array.from({ length: 4 }, () => ({ name: CAPABILITY, data, opts: { attempts: 5 } })),
      );
      const ids = jobs.map((j) => String(j.id));
      const running = await until('the round to run', async () => {
        const seen = (await starts(redis, names)).filter((s) => ids.includes(s.taskId));
        return seen.length === ids.length ? seen : undefined;
      });
      const victim = agents.find((a) => running.some((s) => s.agentId === a.id));
      if (!victim) throw new Error("failover: no agent runs the round's tasks");
      const orphans = running.filter((s) => s.agentId === victim.id).map((s) => s.taskId);
      const killedAt = Date.now();
      process.kill(victim.pid, 'SIGKILL');
      spawnWorker();
      for (const taskId of orphans) {
        const restart = await until('an orphan to restart', async () =>
          (await starts(redis, names)).find(
            (s) => s.taskId === taskId && s.startedAt >= killedAt && s.agentId !== victim.id,
          ),
        );
        recoveries.push(restart.startedAt - killedAt);
      }
      await until('the round to finish', async () =>
        (await queue.getJobCounts('active')).active === 0 ? true : undefined,
      );
    }
    return recoveries;
  } finally {
    await Promise.all([...workers].map((w) => w.stop('SIGKILL')));
    await supervisor.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deletePrefix(redis, names.prefix);
  }
}

function startWorker(redisUrl: string, prefix: string): NodeChild {
  return spawnNode(path.join(REPO_DIR, 'apps/worker/dist/main.js'), {
    args: ['--agent', 'chaos'],
    env: {
      NODE_ENV: 'test',
      REDIS_URL: redisUrl,
      TTA_REDIS_PREFIX: prefix,
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_CAPABILITIES: JSON.stringify({ [CAPABILITY]: { agentType: 'chaos', attempts: 5 } }),
      TTA_AGENTS: JSON.stringify({
        chaos: {
          concurrency: 4,
          module: path.join(REPO_DIR, 'test/fixtures/agents/chaos-agent.js'),
        },
      }),
    },
  });
}

async function starts(redis: RedisClient, names: QueueNames): Promise<Start[]> {
  const raw = await redis.lrange(names.key('chaos', 'starts'), 0, -1);
  return raw.map((line) => JSON.parse(line) as Start);
}
