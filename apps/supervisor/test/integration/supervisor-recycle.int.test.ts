import { AgentControl, AgentRegistry, type QueueNames } from '@tta/core';
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

describe('supervisor recycling a drained worker', () => {
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

  it('starts a fresh worker in place of one that drained and exited', async () => {
    supervisor = spawnNode(SUPERVISOR, [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_SUPERVISOR_RESTART_BACKOFF_MS: '100',
      TTA_AGENTS: JSON.stringify({
        'world-builder': { enabled: false },
        'input-processor': { enabled: false },
      }),
    });
    const running = supervisor;
    const first = await waitFor(async () => (await registry.list({ status: 'ready' }))[0], {
      timeoutMs: 20_000,
      what: `a narrative generator\n${running.output()}`,
    });
    pids.push(first.pid);
    await new AgentControl(redis, { names, registry }).drain(first.id, 'recycle');
    const fresh = await waitFor(
      async () => (await registry.list({ status: 'ready' })).find((a) => a.id !== first.id),
      { timeoutMs: 20_000, what: `a fresh narrative generator\n${running.output()}` },
    );
    pids.push(fresh.pid);
    expect(fresh.type).toBe('narrative-generator');
    expect(fresh.pid).not.toBe(first.pid);
    await waitFor(() => !isAlive(first.pid), { what: 'the drained worker to exit' });
    const left = (await registry.events()).filter((e) => e.agentId === first.id);
    expect(left.map((e) => [e.type, e.reason])).toEqual([
      ['joined', undefined],
      ['left', 'drained: recycle'],
    ]);
  });
});
