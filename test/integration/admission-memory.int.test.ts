import { randomUUID } from 'node:crypto';
import {
  AgentRegistry,
  createLogger,
  parseRedisMemoryInfo,
  RedisMemory,
  Supervisor,
  type WorkflowRunView,
} from '@tta/core';
import {
  createTestRedis,
  once,
  startRedisServer,
  waitFor,
  type RedisServer,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from '../../apps/api/test/integration/api-harness';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const MAXMEMORY = 20 * 1024 * 1024;
const FILLER = 'x'.repeat(64 * 1024);

// A Redis of its own with 20 MB of maxmemory (noeviction), filled past the high watermark and
// then past maxmemory: new work is refused with 503 capacity while agents, cancels and crisis
// turns go on, and work is taken again once memory is freed.
describe('admission under Redis memory pressure', () => {
  let server: RedisServer;
  let filler: Redis;
  let wh: WorkflowHarness;
  let api: ApiHarness;
  /** An API that does not watch memory (watermark 1): what it meets is Redis's OOM itself. */
  let unwatched: ApiHarness;
  let supervisorRedis: Redis;
  let memory: RedisMemory;
  let supervisor: Supervisor;
  const swept: string[] = [];
  let fillers = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    filler = createTestRedis('worker', server.url);
    if (filler.status !== 'ready') await once(filler, 'ready', 5000);
    await filler.config('SET', 'maxmemory', String(MAXMEMORY));
    await filler.config('SET', 'maxmemory-policy', 'noeviction');
    wh = await createWorkflowHarness({ redisUrl: server.url });
    await wh.startBuiltInAgents();
    await wh.startEngine();
    const overrides = { admission: { memoryCheckIntervalMs: 100 } };
    const prefix = wh.names.prefix;
    api = await startApiHarness({ redisUrl: server.url, prefix, overrides });
    unwatched = await startApiHarness({
      redisUrl: server.url,
      prefix,
      overrides: { admission: { memoryHighWatermark: 1, memoryCheckIntervalMs: 100 } },
    });
    await waitFor(async () => (await api.services.memory.refresh(), api.services.memory.current), {
      timeoutMs: 5000,
      what: 'the first memory reading',
    });
    supervisorRedis = createTestRedis('worker', server.url);
    memory = new RedisMemory(supervisorRedis, { intervalMs: 100 });
    await memory.start();
    const registry = new AgentRegistry(supervisorRedis, { names: wh.names, ttlMs: 3000 });
    supervisor = new Supervisor({
      redis: supervisorRedis,
      names: wh.names,
      registry,
      logger: createLogger({ level: 'error' }),
      id: `supervisor-${randomUUID().slice(0, 6)}`,
      replicas: {},
      sweepIntervalMs: 200,
      memory,
    });
    supervisor.on('swept', (dead) => swept.push(...dead.map((d) => d.id)));
    await supervisor.start();
    await waitFor(() => supervisor.isLeader || undefined, { what: 'the supervisor to lead' });
  });

  afterAll(async () => {
    await supervisor.stop();
    await memory.close();
    await unwatched.close();
    await api.close();
    await wh.close();
    await supervisorRedis.quit();
    await filler.quit();
    await server.close();
  });

  const ratio = async () => parseRedisMemoryInfo(await filler.info('memory')).ratio;
  const agentIds = async () =>
    (await wh.redis.zrange(wh.names.key('registry', 'agents'), 0, -1)).sort();
  const turn = (text: string) =>
    request(api.app)
      .post('/v1/workflows/player-turn/runs')
      .send({ input: { text }, sessionId: `s-${randomUUID()}` });
  const parse = { capability: 'input.parse', input: { text: 'look around' } };

  // Writes 64 KB values outside the deployment's keys until Redis is at `target` of maxmemory.
  async function fillTo(target: number): Promise<void> {
    while ((await ratio()) < target) await filler.set(`filler:${(fillers += 1)}`, FILLER);
  }

  it('refuses new work with 503 capacity above the watermark, while cancels, agents and a crisis turn go on', async () => {
    const pending = await request(api.app)
      .post('/v1/tasks')
      .send({ ...parse, delayMs: 600_000 })
      .expect(202);
    const agentsBefore = await agentIds();
    expect(agentsBefore).toHaveLength(3);

    await fillTo(0.93);
    await waitFor(async () => (await request(api.app).get('/readyz')).status === 503 || undefined, {
      timeoutMs: 5000,
      what: 'the API to see the memory pressure',
    });
    const ready = await request(api.app).get('/readyz').expect(503);
    expect(ready.body.error.code).toBe('capacity');
    await request(api.app).get('/readyz?capacity=ignore').expect(200);

    const jobsBefore = await wh.redis.get(
      `${wh.names.prefix}:${wh.names.capability('input.parse')}:id`,
    );
    const task = await request(api.app).post('/v1/tasks').send(parse).expect(503);
    expect(task.body.error.code).toBe('capacity');
    expect(task.body.error.details.memoryRatio).toBeGreaterThanOrEqual(0.9);
    expect(task.headers['retry-after']).toBe('5');
    const batch = await request(api.app)
      .post('/v1/tasks/batch')
      .send({ tasks: [parse, parse] });
    expect(batch.status).toBe(503);
    expect(batch.body.error.code).toBe('capacity');
    const recap = await request(api.app)
      .post('/v1/workflows/session-recap/runs')
      .send({ input: {}, sessionId: 's-recap' });
    expect(recap.status).toBe(503);
    expect(recap.body.error.code).toBe('capacity');
    expect(await wh.redis.get(`${wh.names.prefix}:${wh.names.capability('input.parse')}:id`)).toBe(
      jobsBefore,
    );

    // What must keep working in the headroom: a cancel, the agents' heartbeats, a crisis turn.
    const cancelled = await request(api.app)
      .delete(`/v1/tasks/${encodeURIComponent(pending.body.id as string)}`)
      .expect(202);
    expect(cancelled.body.status).toBe('cancelled');
    const crisis = await turn('I want to kill myself').expect(202);
    const crisisRun: WorkflowRunView = await wh.waitForRun(crisis.body.id as string);
    expect(crisisRun.outcome).toBe('crisis');
    expect(crisisRun.result).toMatchObject({
      narrative: wh.config.safety.crisisMessage,
      resources: wh.config.safety.crisisResources,
      safety: { level: 'crisis' },
    });
    // Any other turn is screened, then ends without the world or the story: outcome capacity.
    const calm = await turn('go north').expect(202);
    const calmRun = await wh.waitForRun(calm.body.id as string);
    expect(calmRun.outcome).toBe('capacity');
    expect(Object.keys(calmRun.steps).sort()).toEqual(['parse', 'safety']);
    expect(calmRun.result).toMatchObject({ outcome: 'capacity', safety: { level: 'safe' } });
    expect(await agentIds()).toEqual(agentsBefore);

    const metrics = await request(api.app).get('/metrics').expect(200);
    const gauge = /^tta_redis_memory_ratio\{[^}]*\} ([\d.]+)$/m.exec(metrics.text);
    expect(Number(gauge?.[1])).toBeGreaterThanOrEqual(0.9);
    const refused = /^tta_admission_refused_total\{reason="capacity"[^}]*\} (\d+)$/m.exec(
      metrics.text,
    );
    expect(Number(refused?.[1])).toBeGreaterThanOrEqual(3);
  });

  it('past maxmemory answers OOM as 503 capacity and keeps agents whose heartbeats Redis refuses', async () => {
    const agentsBefore = await agentIds();
    // Past maxmemory for good: maxmemory set below what Redis uses, so every write is refused.
    const { usedBytes } = parseRedisMemoryInfo(await filler.info('memory'));
    await filler.config('SET', 'maxmemory', String(Math.floor(usedBytes * 0.95)));
    await expect(filler.set('filler:one-more', FILLER)).rejects.toThrow(/^OOM/);
    const oom = await request(unwatched.app).post('/v1/tasks').send(parse).expect(503);
    expect(oom.body.error.code).toBe('capacity');

    // Every heartbeat now fails: once the last ones are older than the TTL and several sweeps
    // ran since, the agents are still registered.
    const index = wh.names.key('registry', 'agents');
    await waitFor(
      async () => {
        const scores = await Promise.all(agentsBefore.map((id) => wh.redis.zscore(index, id)));
        const stale = Date.now() - 3000 - 1000;
        return scores.every((s) => s !== null && Number(s) < stale) || undefined;
      },
      { timeoutMs: 15_000, what: 'the heartbeats to be older than the TTL and a second' },
    );
    expect(await agentIds()).toEqual(agentsBefore);
    expect(swept).toEqual([]);

    // Memory freed: heartbeats resume, nobody was swept, and new work is taken again.
    await filler.config('SET', 'maxmemory', String(MAXMEMORY));
    const keys = await filler.keys('filler:*');
    for (let i = 0; i < keys.length; i += 500) await filler.del(...keys.slice(i, i + 500));
    await waitFor(
      async () =>
        (await request(api.app).post('/v1/tasks').send(parse)).status === 202 || undefined,
      { timeoutMs: 10_000, what: 'new work to be accepted again' },
    );
    await request(api.app).get('/readyz').expect(200);
    const registry = new AgentRegistry(wh.redis, { names: wh.names, ttlMs: 3000 });
    await waitFor(async () => (await registry.list()).length === 3 || undefined, {
      timeoutMs: 5000,
      what: 'the agents to heartbeat again',
    });
    expect(await agentIds()).toEqual(agentsBefore);
    expect(swept).toEqual([]);
    const done = await wh.waitForRun((await turn('go north').expect(202)).body.id as string);
    expect(done.outcome).toBe('completed');
    expect(await ratio()).toBeLessThan(0.9);
  });
});
