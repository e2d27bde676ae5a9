import { AgentRegistry, type AgentInfo, type QueueNames } from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  isAlive,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

const SUPERVISOR = 'apps/supervisor/dist/main.js';

describe('supervisor process', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let supervisor: TestProcess | undefined;
  const pids: number[] = [];

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
  });

  afterEach(async () => {
    supervisor?.signal('SIGKILL');
    await supervisor?.exited;
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function start(env: NodeJS.ProcessEnv = {}): TestProcess {
    return spawnNode(SUPERVISOR, [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_RESTART_BACKOFF_MS: '100',
      ...env,
    });
  }

  async function liveAgents(count: number, what: string): Promise<AgentInfo[]> {
    return waitFor(
      async () => {
        const agents = await registry.list({ status: 'ready' });
        if (agents.length !== count) return undefined;
        pids.push(...agents.map((a) => a.pid));
        return agents;
      },
      { timeoutMs: 20_000, what: `${what}\n${supervisor?.output() ?? ''}` },
    );
  }

  it('starts the configured workers, restarts a killed one, and stops them all on SIGTERM', async () => {
    supervisor = start();
    const agents = await liveAgents(3, 'three live agents');
    expect(agents.map((a) => a.type).sort()).toEqual([
      'input-processor',
      'narrative-generator',
      'world-builder',
    ]);
    const victim = agents.find((a) => a.type === 'world-builder')!;
    process.kill(victim.pid, 'SIGKILL');
    const replacement = await waitFor(
      async () =>
        (await registry.list({ type: 'world-builder', status: 'ready' })).find(
          (a) => a.id !== victim.id,
        ),
      { timeoutMs: 15_000, what: 'a restarted world-builder' },
    );
    pids.push(replacement.pid);
    expect(replacement.pid).not.toBe(victim.pid);
    // The dead agent is swept out of the registry by the supervisor, with a `dead` event.
    await waitFor(
      async () =>
        (await registry.events()).some((e) => e.type === 'dead' && e.agentId === victim.id),
      { what: 'the dead agent to be swept' },
    );
    expect(await redis.zscore(names.key('registry', 'agents'), victim.id)).toBeNull();
    const all = (await registry.list()).map((a) => a.pid);
    supervisor.signal('SIGTERM');
    expect(await supervisor.exited).toBe(0);
    await waitFor(() => all.every((pid) => !isAlive(pid)), { what: 'every worker to exit' });
    expect(await registry.list()).toEqual([]);
  });

  it('a standby takes over within 5 s when the leader is killed, and runs the workers', async () => {
    supervisor = start();
    const standby = start();
    try {
      const first = await liveAgents(3, 'three live agents under the first leader');
      const leaderKey = names.key('supervisor', 'leader');
      const leaderId = (await redis.get(leaderKey)) as string;
      const leaderPid = Number(leaderId.split('-').at(-2));
      const [leader, other] =
        supervisor.child.pid === leaderPid ? [supervisor, standby] : [standby, supervisor];
      const killedAt = Date.now();
      leader.signal('SIGKILL');
      const newLeader = await waitFor(
        async () => {
          const id = await redis.get(leaderKey);
          return id && id !== leaderId ? id : undefined;
        },
        { timeoutMs: 10_000, what: 'the standby to take the lead' },
      );
      expect(Date.now() - killedAt).toBeLessThan(5000);
      expect(Number(newLeader.split('-').at(-2))).toBe(other.child.pid);
      // The dead leader's workers stop by themselves; the new leader starts its own.
      await waitFor(() => first.every((a) => !isAlive(a.pid)), { what: 'old workers to exit' });
      const second = await liveAgents(3, 'three live agents under the new leader');
      expect(second.map((a) => a.pid).some((pid) => first.some((a) => a.pid === pid))).toBe(false);
    } finally {
      standby.signal('SIGKILL');
      await standby.exited;
    }
  });

  it('runs only the agent types config enables', async () => {
    supervisor = start({
      TTA_AGENTS: JSON.stringify({
        'world-builder': { enabled: false },
        'input-processor': { replicas: 2 },
      }),
    });
    const agents = await liveAgents(3, 'two input processors and one narrative generator');
    expect(agents.map((a) => a.type).sort()).toEqual([
      'input-processor',
      'input-processor',
      'narrative-generator',
    ]);
  });
});
