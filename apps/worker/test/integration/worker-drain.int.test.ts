import { AgentControl, AgentRegistry, type QueueNames } from '@tta/core';
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

describe('worker process drained by command', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let worker: TestProcess | undefined;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
  });

  afterEach(async () => {
    worker?.signal('SIGKILL');
    await worker?.exited;
    worker = undefined;
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('leaves the registry as drained and exits 0 (without it, its open connection would keep it running)', async () => {
    worker = spawnNode(WORKER, ['--agent', 'world-builder'], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
    });
    const running = worker;
    const agent = await waitFor(async () => (await registry.list({ status: 'ready' }))[0], {
      timeoutMs: 15_000,
      what: `the worker to register\n${running.output()}`,
    });
    const control = new AgentControl(redis, { names, registry });
    await control.drain(agent.id, 'recycle test');
    expect(await worker.exited).toBe(0);
    expect(await registry.get(agent.id)).toBeUndefined();
    const left = (await registry.events()).filter(
      (e) => e.agentId === agent.id && e.type === 'left',
    );
    expect(left).toEqual([expect.objectContaining({ reason: 'drained: recycle test' })]);
  });
});
