import { Queue } from 'bullmq';
import { agentQueues, AgentRegistry, type AgentRegistration, type QueueNames } from '@tta/core';
import { RoutingSnapshot } from '../../src/routing/routing-snapshot';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

describe('RoutingSnapshot', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  const queues: Queue[] = [];

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 60_000 });
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function register(id: string, labels: Record<string, string>, concurrency: number) {
    const agent: AgentRegistration = {
      id,
      type: 'teller',
      capabilities: ['story.tell'],
      labels,
      queues: agentQueues(names, ['story.tell'], labels),
      concurrency,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    };
    return registry.register(agent);
  }

  function queue(name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix: names.prefix });
    queues.push(q);
    return q;
  }

  it('sums live capacity per queue and reads backlogs as waiting plus prioritized jobs', async () => {
    await register('fast-1', { tier: 'fast' }, 4);
    await register('fast-2', { tier: 'fast' }, 2);
    await register('plain-1', {}, 8);
    await register('gone-1', { tier: 'fast' }, 100);
    await registry.heartbeat('gone-1', { status: 'draining', activeJobs: 0 });
    const fast = queue('cap.story.tell.tier-fast');
    await fast.add('t', {});
    await fast.add('t', {}, { priority: 2 });
    await fast.add('t', {}, { delay: 60_000 });
    const state = await new RoutingSnapshot(registry, { names }).get();
    expect(Object.fromEntries(state.loads)).toEqual({
      'cap.story.tell': { liveAgents: 3, capacity: 14, backlog: 0 },
      'cap.story.tell.tier-fast': { liveAgents: 2, capacity: 6, backlog: 2 },
    });
    expect([...state.known].sort()).toEqual(['cap.story.tell', 'cap.story.tell.tier-fast']);
  });

  it('reuses a state within its TTL, and callers that ask at once share one read', async () => {
    const snapshot = new RoutingSnapshot(registry, { names, ttlMs: 60_000 });
    const [a, b] = await Promise.all([snapshot.get(), snapshot.get()]);
    expect(a).toBe(b);
    await register('fast-1', { tier: 'fast' }, 4);
    const cached = await snapshot.get();
    expect(cached).toBe(a);
    expect(cached.loads.size).toBe(0);
    const fresh = await snapshot.get({ maxAgeMs: 0 });
    expect(fresh).not.toBe(a);
    expect(fresh.loads.get('cap.story.tell.tier-fast')?.capacity).toBe(4);
    expect(snapshot.latest).toBe(fresh);
  });

  it('reads again once the TTL is over', async () => {
    const snapshot = new RoutingSnapshot(registry, { names, ttlMs: 0 });
    const first = await snapshot.get();
    await register('fast-1', { tier: 'fast' }, 4);
    const second = await waitFor(async () => {
      const state = await snapshot.get();
      return state !== first && state;
    });
    expect(second.loads.size).toBe(2);
  });

  it('remembers queues routed to, and the queues of agents that are gone, across instances', async () => {
    await register('fast-1', { tier: 'fast' }, 4);
    const snapshot = new RoutingSnapshot(registry, { names });
    await snapshot.get();
    await snapshot.record('cap.story.tell.tier-slow');
    await registry.deregister({ id: 'fast-1', type: 'teller' });
    const later = await new RoutingSnapshot(registry, { names }).get();
    expect(later.loads.size).toBe(0);
    expect([...later.known].sort()).toEqual([
      'cap.story.tell',
      'cap.story.tell.tier-fast',
      'cap.story.tell.tier-slow',
    ]);
  });

  it('knows the queues of draining agents as live, not as capacity', async () => {
    await register('slow-1', { tier: 'slow' }, 4);
    await registry.heartbeat('slow-1', { status: 'draining', activeJobs: 0 });
    const state = await new RoutingSnapshot(registry, { names }).get();
    expect(state.loads.size).toBe(0);
    expect([...state.live].sort()).toEqual(['cap.story.tell', 'cap.story.tell.tier-slow']);
  });

  it('knows at most maxPools queues: those of live agents first, then the most recently used', async () => {
    const snapshot = new RoutingSnapshot(registry, { names, maxPools: 4 });
    for (const tier of ['a', 'b', 'c', 'd', 'e']) {
      await snapshot.record(`cap.story.tell.tier-${tier}`);
      // Distinct scores: one record per millisecond at most.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await register('fast-1', { tier: 'fast' }, 4);
    const state = await snapshot.get({ maxAgeMs: 0 });
    expect([...state.known]).toEqual([
      'cap.story.tell',
      'cap.story.tell.tier-fast',
      'cap.story.tell.tier-e',
      'cap.story.tell.tier-d',
    ]);
  });

  it('reads the backlogs of any queues in one call', async () => {
    await queue('cap.story.tell.tier-slow').add('t', {});
    const backlogs = await new RoutingSnapshot(registry, { names }).backlogs([
      'cap.story.tell.tier-slow',
      'cap.story.tell.tier-none',
    ]);
    expect(Object.fromEntries(backlogs)).toEqual({
      'cap.story.tell.tier-slow': 1,
      'cap.story.tell.tier-none': 0,
    });
  });
});
