import { Queue } from 'bullmq';
import {
  agentQueues,
  AgentRegistry,
  CapabilityCatalog,
  knownQueuesKey,
  PoolPruner,
  TaskRouter,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const IDLE_MS = 300;
const SLOW = 'cap.story.tell.tier-slow';
const FAST = 'cap.story.tell.tier-fast';

describe('PoolPruner', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let router: TaskRouter;
  let pruner: PoolPruner;
  const queues: Queue[] = [];

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 60_000 });
    const catalog = new CapabilityCatalog({
      'story.tell': { agentType: 'teller', description: '' },
    });
    router = new TaskRouter(catalog, {
      names,
      registry,
      snapshotTtlMs: 0,
      pools: { 'story.tell': [{ tier: 'slow' }, { tier: 'fast' }] },
    });
    pruner = new PoolPruner({ registry, names, idleMs: IDLE_MS, intervalMs: 60_000 });
  });

  afterEach(async () => {
    await pruner.stop();
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function queue(name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix: names.prefix });
    queues.push(q);
    return q;
  }

  const route = (tier: string) =>
    router.route({ capability: 'story.tell', requirements: { tier } });

  it('forgets a pool routed to once it has been empty, with no live agent, for its idle time', async () => {
    const routedAt = Date.now();
    expect(await route('slow')).toEqual({ capability: 'story.tell', queue: SLOW });
    expect(await router.refreshQueues()).toContain(SLOW);
    expect(await pruner.prune()).toEqual([]);
    const forgotten = await waitFor(async () => {
      const gone = await pruner.prune();
      return gone.length > 0 && gone;
    });
    expect(forgotten).toEqual([SLOW]);
    expect(Date.now() - routedAt).toBeGreaterThanOrEqual(IDLE_MS);
    expect(await router.refreshQueues()).toEqual(['cap.story.tell']);
    // Used again, it is known again.
    await route('slow');
    expect(await router.refreshQueues()).toContain(SLOW);
  });

  it('keeps a pool that holds a job, in any state, and one a live agent consumes', async () => {
    await route('slow');
    await queue(SLOW).add('t', {}, { delay: 60_000 });
    await registry.register({
      id: 'fast-1',
      type: 'teller',
      capabilities: ['story.tell'],
      labels: { tier: 'fast' },
      queues: agentQueues(names, ['story.tell'], { tier: 'fast' }),
      concurrency: 1,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    });
    await router.refreshQueues();
    const start = Date.now();
    await waitFor(() => Date.now() - start > IDLE_MS * 2);
    expect(await pruner.prune()).toEqual([]);
    expect(await router.refreshQueues()).toEqual(expect.arrayContaining([SLOW, FAST]));
    // Once the job is gone and the agent deregistered, both go after their idle time.
    await queue(SLOW).obliterate({ force: true });
    await registry.deregister({ id: 'fast-1', type: 'teller' });
    const forgotten: string[] = [];
    await waitFor(async () => {
      forgotten.push(...(await pruner.prune()));
      return forgotten.length >= 3;
    });
    expect(forgotten.sort()).toEqual(['cap.story.tell', FAST, SLOW].sort());
    expect(await router.refreshQueues()).toEqual(['cap.story.tell']);
  });

  it('takes over the queues of the former unscored set, to be judged like the others', async () => {
    const legacy = names.key('routing', 'queues');
    await redis.sadd(legacy, 'cap.story.tell.tier-0x1', 'cap.story.tell.tier-0x2');
    expect(await pruner.prune()).toEqual([]);
    expect(await redis.exists(legacy)).toBe(0);
    expect(await redis.zcard(knownQueuesKey(names))).toBe(2);
    const forgotten = await waitFor(async () => {
      const gone = await pruner.prune();
      return gone.length > 0 && gone;
    });
    expect(forgotten.sort()).toEqual(['cap.story.tell.tier-0x1', 'cap.story.tell.tier-0x2']);
    expect(await redis.zcard(knownQueuesKey(names))).toBe(0);
  });
});
