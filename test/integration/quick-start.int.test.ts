import { freePort, type QueueNames } from '@tta/core';
import { TtaClient, type Task } from '@tta/client';
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

// The README's quick start: `npm start` runs the API, the supervisor and one worker per agent
// type; a task posted to the API comes back completed.
describe('npm start', () => {
  let redis: Redis;
  let names: QueueNames;
  let system: TestProcess | undefined;

  beforeAll(() => {
    redis = createTestRedis();
    names = uniqueNames();
  });

  afterAll(async () => {
    system?.signal('SIGKILL');
    await system?.exited;
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('serves three live agents within 30 s, completes a narrative task, and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const started = Date.now();
    system = spawnNode('scripts/start.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      PORT: String(port),
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
    });
    const client = new TtaClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const agents = await waitFor(
      async () => {
        const list = await client.agents({ status: 'ready' });
        return list.length === 3 ? list : undefined;
      },
      { timeoutMs: 30_000, what: `three live agents\n${system.output()}` },
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(agents.map((a) => a.type).sort()).toEqual([
      'input-processor',
      'narrative-generator',
      'world-builder',
    ]);

    const accepted = await client.enqueue({
      capability: 'narrative.generate',
      input: { text: 'I look around the meadow' },
      sessionId: 'quick-start',
    });
    const task = await waitFor<Task>(
      async () => {
        const t = await client.task(accepted.id);
        return t.status === 'completed' || t.status === 'failed' ? t : undefined;
      },
      { timeoutMs: 10_000, what: 'the task to finish' },
    );
    expect(task.status).toBe('completed');
    expect((task.result as { passage: string }).passage.length).toBeGreaterThan(20);

    const later = await client.enqueue({
      capability: 'narrative.generate',
      input: { text: 'I wait by the lake' },
      delayMs: 60_000,
    });
    expect(await client.cancel(later.id, 'changed my mind')).toEqual({
      id: later.id,
      status: 'cancelled',
    });
    expect(await client.task(later.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'changed my mind',
    });

    system.signal('SIGINT');
    expect(await system.exited).toBe(0);
    for (const agent of agents) expect(isAlive(agent.pid)).toBe(false);
  });
});
