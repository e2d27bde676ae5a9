import { AgentRegistry, type AgentRegistration, type QueueNames } from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const TTL_MS = 300;

function agent(id: string, overrides: Partial<AgentRegistration> = {}): AgentRegistration {
  return {
    id,
    type: 'world-builder',
    capabilities: ['world.update', 'world.read'],
    labels: { tier: 'fast', locale: 'en' },
    queues: ['cap.world.update', 'cap.world.read'],
    concurrency: 8,
    host: 'host-1',
    pid: 4242,
    version: '1.2.3',
    startedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe('AgentRegistry', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: TTL_MS });
  });

  afterEach(async () => {
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('lists and gets a registered agent with every field', async () => {
    const before = Date.now();
    await registry.register(agent('a1'));
    const expected = {
      ...agent('a1'),
      status: 'starting',
      activeJobs: 0,
      lastHeartbeatAt: expect.any(Number),
      heartbeatAgeMs: expect.any(Number),
    };
    const listed = await registry.list();
    expect(listed).toEqual([expected]);
    const got = await registry.get('a1');
    expect(got).toEqual(expected);
    expect(got!.lastHeartbeatAt).toBeGreaterThanOrEqual(before);
    expect(got!.lastHeartbeatAt).toBeLessThanOrEqual(Date.now());
    expect(got!.heartbeatAgeMs).toBeLessThan(TTL_MS);
    expect(await registry.get('nobody')).toBeUndefined();
  });

  it('filters by capability, type and status', async () => {
    await registry.register(agent('w1'));
    await registry.register(agent('w2'));
    await registry.register(
      agent('n1', {
        type: 'narrative-generator',
        capabilities: ['narrative.generate'],
        queues: ['cap.narrative.generate'],
      }),
    );
    await registry.heartbeat('w2', { status: 'ready', activeJobs: 1 });
    const ids = async (filter: Parameters<AgentRegistry['list']>[0]) =>
      (await registry.list(filter)).map((a) => a.id).sort();
    expect(await ids({})).toEqual(['n1', 'w1', 'w2']);
    expect(await ids({ capability: 'world.read' })).toEqual(['w1', 'w2']);
    expect(await ids({ capability: 'narrative.generate' })).toEqual(['n1']);
    expect(await ids({ capability: 'world' })).toEqual([]);
    expect(await ids({ type: 'narrative-generator' })).toEqual(['n1']);
    expect(await ids({ status: 'ready' })).toEqual(['w2']);
    expect(await ids({ status: 'starting', type: 'world-builder' })).toEqual(['w1']);
    expect(await ids({ status: 'draining' })).toEqual([]);
  });

  it('records status, active jobs and heartbeat time on heartbeat', async () => {
    let clock = 1_000_000;
    const clocked = new AgentRegistry(redis, { names, ttlMs: TTL_MS, now: () => clock });
    await clocked.register(agent('a1'));
    clock += 200;
    await clocked.heartbeat('a1', { status: 'ready', activeJobs: 3 });
    clock += 50;
    expect(await clocked.get('a1')).toMatchObject({
      status: 'ready',
      activeJobs: 3,
      lastHeartbeatAt: 1_000_200,
      heartbeatAgeMs: 50,
    });
    await clocked.heartbeat('a1', { status: 'draining', activeJobs: 1 });
    expect(await clocked.list({ status: 'draining' })).toMatchObject([
      { id: 'a1', activeJobs: 1, heartbeatAgeMs: 0 },
    ]);
    // Past the TTL by the clock: no longer live.
    clock += TTL_MS + 1;
    expect(await clocked.list()).toEqual([]);
    expect(await clocked.get('a1')).toBeUndefined();
  });

  it('stops listing an agent that stops heartbeating, and keeps one that heartbeats', async () => {
    await registry.register(agent('silent'));
    await registry.register(agent('alive'));
    const registeredAt = Date.now();
    const beat = setInterval(() => {
      void registry.heartbeat('alive', { status: 'ready', activeJobs: 0 }).catch(() => undefined);
    }, TTL_MS / 4);
    try {
      await waitFor(async () => (await registry.list()).every((a) => a.id !== 'silent'), {
        timeoutMs: 5000,
        what: 'the silent agent to drop out of the list',
      });
      expect(Date.now() - registeredAt).toBeGreaterThanOrEqual(TTL_MS - 20);
      expect(await registry.get('silent')).toBeUndefined();
      expect((await registry.list()).map((a) => a.id)).toEqual(['alive']);
    } finally {
      clearInterval(beat);
    }
  });

  it('sweeps a dead agent exactly once, even when two sweeps race', async () => {
    await registry.register(agent('dead-1'));
    await registry.register(agent('dead-2', { type: 'input-processor' }));
    expect(await registry.sweep()).toEqual([]);
    await waitFor(async () => (await registry.list()).length === 0, {
      timeoutMs: 5000,
      what: 'both agents to miss their TTL',
    });
    // Another supervisor on its own connection sweeps at the same moment.
    const otherRedis = redis.duplicate();
    const other = new AgentRegistry(otherRedis, { names, ttlMs: TTL_MS });
    const [first, second] = await Promise.all([registry.sweep(), other.sweep()]).finally(() =>
      otherRedis.quit(),
    );
    const swept = [...first, ...second].sort((a, b) => a.id.localeCompare(b.id));
    expect(swept).toEqual([
      { id: 'dead-1', type: 'world-builder', queues: ['cap.world.update', 'cap.world.read'] },
      { id: 'dead-2', type: 'input-processor', queues: ['cap.world.update', 'cap.world.read'] },
    ]);
    expect(await registry.sweep()).toEqual([]);
    const dead = (await registry.events()).filter((e) => e.type === 'dead');
    expect(dead.map((e) => e.agentId).sort()).toEqual(['dead-1', 'dead-2']);
    expect(await redis.exists(names.key('registry', 'agent', 'dead-1'))).toBe(0);
  });

  it('deregisters an agent at once', async () => {
    await registry.register(agent('a1'));
    await registry.register(agent('a2'));
    await registry.deregister({ id: 'a1', type: 'world-builder' });
    expect((await registry.list()).map((a) => a.id)).toEqual(['a2']);
    expect(await registry.get('a1')).toBeUndefined();
    expect(await redis.exists(names.key('registry', 'agent', 'a1'))).toBe(0);
    // Gone on purpose: a sweep has nothing to report.
    expect(await registry.sweep()).toEqual([]);
  });

  it('writes joined, left and dead events in order', async () => {
    const start = Date.now();
    await registry.register(agent('a1'));
    await registry.register(agent('a2', { type: 'input-processor' }));
    await registry.deregister({ id: 'a1', type: 'world-builder' }, 'scaled down');
    await waitFor(async () => (await registry.list()).length === 0, {
      timeoutMs: 5000,
      what: 'a2 to miss its TTL',
    });
    expect(await registry.sweep()).toEqual([
      { id: 'a2', type: 'input-processor', queues: ['cap.world.update', 'cap.world.read'] },
    ]);
    const events = await registry.events();
    expect(events).toEqual([
      { type: 'joined', agentId: 'a1', agentType: 'world-builder', at: expect.any(Number) },
      { type: 'joined', agentId: 'a2', agentType: 'input-processor', at: expect.any(Number) },
      {
        type: 'left',
        agentId: 'a1',
        agentType: 'world-builder',
        at: expect.any(Number),
        reason: 'scaled down',
      },
      {
        type: 'dead',
        agentId: 'a2',
        agentType: 'input-processor',
        at: expect.any(Number),
        reason: 'heartbeat expired',
      },
    ]);
    const times = events.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(start);
    expect(await registry.events(2)).toEqual(events.slice(2));
  });

  it('caps the event stream', async () => {
    const capped = new AgentRegistry(redis, { names, ttlMs: TTL_MS, maxEvents: 10 });
    for (let i = 0; i < 300; i += 1) {
      await capped.register(agent(`a${i}`));
    }
    const length = await redis.xlen(names.key('registry', 'events'));
    // MAXLEN ~ trims whole stream nodes (100 entries by default), so the cap is approximate.
    expect(length).toBeLessThan(300);
    const events = await capped.events(1000);
    expect(events[events.length - 1]?.agentId).toBe('a299');
  });
});
