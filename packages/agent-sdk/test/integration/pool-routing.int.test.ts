import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  agentQueues,
  AgentRegistry,
  CapabilityCatalog,
  createLogger,
  loadConfig,
  NoLiveAgentError,
  TaskRouter,
  TaskService,
  waitForReady,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
import { type TaskView } from '@tta/contracts';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { AgentRuntime, defineAgent, type AgentHandler } from '@tta/agent-sdk';

const CAPABILITY = 'story.tell';
const logger = createLogger({ level: 'error' });
const config = loadConfig({ env: {} });
const catalog = new CapabilityCatalog({
  [CAPABILITY]: { agentType: 'teller', description: 'tells' },
});

describe('routing tasks with requirements to pools of labelled agents', () => {
  let redis: Redis;
  let producer: Redis;
  let names: QueueNames;
  let agentRegistry: AgentRegistry;
  let registry: AgentRegistry;
  let release: () => void;
  let gate: Promise<void>;
  const runtimes: AgentRuntime[] = [];
  const services: TaskService[] = [];
  const queues: Queue[] = [];

  beforeEach(async () => {
    redis = createTestRedis();
    producer = createTestRedis('producer');
    await waitForReady(producer, 5000);
    names = uniqueNames();
    agentRegistry = new AgentRegistry(redis, { names, ttlMs: 1000 });
    registry = new AgentRegistry(producer, { names, ttlMs: 1000 });
    gate = new Promise((resolve) => (release = resolve));
  });

  afterEach(async () => {
    release();
    await Promise.all(runtimes.splice(0).map((rt) => rt.stop()));
    await Promise.all(services.splice(0).map((s) => s.close()));
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await deletePrefix(redis, names.prefix);
    await producer.quit();
    await redis.quit();
  });

  function agent(
    name: string,
    labels: Record<string, string>,
    handler?: AgentHandler,
    concurrency = 2,
  ): AgentRuntime {
    const rt = new AgentRuntime(
      defineAgent({
        type: 'teller',
        capabilities: [CAPABILITY],
        concurrency,
        handler: handler ?? (async (_task, ctx) => ctx.agentId),
      }),
      {
        connection: redis,
        names,
        registry: agentRegistry,
        logger,
        labels,
        agentId: `${name}-${randomUUID().slice(0, 6)}`,
        heartbeatIntervalMs: 200,
        shutdownGraceMs: 2000,
      },
    );
    runtimes.push(rt);
    return rt;
  }

  function blocked(): AgentHandler {
    return async () => {
      await gate;
      return 'released';
    };
  }

  // As config declares the labels of an agent type that has not started yet (scaled from zero).
  const declared = { [CAPABILITY]: [{ tier: 'fast', locale: 'en' }] };

  function router(noLiveAgent: 'queue' | 'refuse' = 'queue'): TaskRouter {
    return new TaskRouter(catalog, {
      names,
      registry,
      noLiveAgent,
      snapshotTtlMs: 0,
      pools: declared,
    });
  }

  function service(taskRouter = router()): TaskService {
    const s = new TaskService(producer, {
      names,
      catalog,
      router: taskRouter,
      tasks: config.tasks,
    });
    services.push(s);
    return s;
  }

  function queue(pool?: string): Queue {
    const q = new Queue(names.capability(CAPABILITY, pool), {
      connection: redis,
      prefix: names.prefix,
    });
    queues.push(q);
    return q;
  }

  async function addJobs(q: Queue, count: number): Promise<void> {
    const data: TaskJobData = {
      capability: CAPABILITY,
      input: {},
      timeoutMs: 60_000,
      enqueuedAt: Date.now(),
    };
    await q.addBulk(Array.from({ length: count }, () => ({ name: CAPABILITY, data })));
  }

  function completed(tasks: TaskService, id: string): Promise<TaskView> {
    return waitFor(
      async () => {
        const view = await tasks.get(id);
        return view.status === 'completed' ? view : undefined;
      },
      { what: `task ${id} to complete` },
    );
  }

  it('registers the generic queue and one pool queue per subset of the labels', async () => {
    const fast = agent('fast', { tier: 'fast', locale: 'en' });
    await fast.start();
    const registered = await agentRegistry.get(fast.id);
    expect(registered?.labels).toEqual({ tier: 'fast', locale: 'en' });
    expect(registered?.queues).toEqual([
      `cap.${CAPABILITY}`,
      `cap.${CAPABILITY}.locale-en`,
      `cap.${CAPABILITY}.tier-fast`,
      `cap.${CAPABILITY}.locale-en.tier-fast`,
    ]);
    expect(registered?.queues).toEqual(
      agentQueues(names, [CAPABILITY], { tier: 'fast', locale: 'en' }),
    );
  });

  it('runs tasks that require tier=fast only on the fast agent, tier=quality only on the quality one', async () => {
    const [fast, quality, plain] = [
      agent('fast', { tier: 'fast' }),
      agent('quality', { tier: 'quality' }),
      agent('plain', {}),
    ];
    await Promise.all([fast, quality, plain].map((rt) => rt.start()));
    const tasks = service();
    const enqueue = (requirements?: Record<string, string>) =>
      tasks.enqueue({ capability: CAPABILITY, input: {}, ...(requirements && { requirements }) });
    const fastTasks = await Promise.all(
      Array.from({ length: 12 }, () => enqueue({ tier: 'fast' })),
    );
    const qualityTasks = await Promise.all(
      Array.from({ length: 6 }, () => enqueue({ tier: 'quality' })),
    );
    const anyTasks = await Promise.all(Array.from({ length: 6 }, () => enqueue()));
    expect(new Set(fastTasks.map((t) => t.queue))).toEqual(
      new Set([`cap.${CAPABILITY}.tier-fast`]),
    );
    expect(new Set(anyTasks.map((t) => t.queue))).toEqual(new Set([`cap.${CAPABILITY}`]));
    const ranOn = async (list: typeof fastTasks) =>
      new Set((await Promise.all(list.map((t) => completed(tasks, t.id)))).map((v) => v.agentId));
    expect(await ranOn(fastTasks)).toEqual(new Set([fast.id]));
    expect(await ranOn(qualityTasks)).toEqual(new Set([quality.id]));
    const anyRan = await ranOn(anyTasks);
    expect([...anyRan].every((id) => [fast.id, quality.id, plain.id].includes(String(id)))).toBe(
      true,
    );
  });

  it('between two satisfying pools, takes the one with the lower expected wait', async () => {
    await agent('fast', { tier: 'fast' }, blocked(), 1).start();
    await agent('fast-en', { tier: 'fast', locale: 'en' }, blocked(), 1).start();
    const taskRouter = router();
    const route = async () =>
      (await taskRouter.route({ capability: CAPABILITY, requirements: { tier: 'fast' } })).queue;
    // Empty backlogs tie at 0: the more specific pool wins.
    expect(await route()).toBe(`cap.${CAPABILITY}.locale-en.tier-fast`);
    const fastEn = queue('locale-en.tier-fast');
    await addJobs(fastEn, 3);
    await waitFor(async () => (await fastEn.getJobCounts('active')).active === 1, {
      what: 'fast-en to take one job',
    });
    // locale-en.tier-fast: 2 waiting / capacity 1 = 2; tier-fast: 0 / 2 = 0.
    expect(await route()).toBe(`cap.${CAPABILITY}.tier-fast`);
    const fast = queue('tier-fast');
    await addJobs(fast, 7);
    await waitFor(async () => (await fast.getJobCounts('active')).active === 2, {
      what: 'both fast agents to take a job of tier-fast',
    });
    // tier-fast: 5 waiting / capacity 2 = 2.5 > 2.
    expect(await route()).toBe(`cap.${CAPABILITY}.locale-en.tier-fast`);
    const preview = await taskRouter.preview(CAPABILITY, { tier: 'fast' });
    expect(preview.chosen).toEqual({
      queue: `cap.${CAPABILITY}.locale-en.tier-fast`,
      reason: 'lowest expected wait 2',
    });
    expect(preview.candidates.find((c) => c.queue === `cap.${CAPABILITY}.tier-fast`)).toMatchObject(
      {
        liveAgents: 2,
        capacity: 2,
        backlog: 5,
        expectedWait: 2.5,
        eligible: true,
        reason: `expected wait 2.5, more than 2 of cap.${CAPABILITY}.locale-en.tier-fast`,
      },
    );
  });

  it("with 'refuse', refuses a task no live agent can serve, and routes it once one starts", async () => {
    await agent('quality', { tier: 'quality' }).start();
    const taskRouter = router('refuse');
    const routed = taskRouter.route({ capability: CAPABILITY, requirements: { tier: 'fast' } });
    await expect(routed).rejects.toBeInstanceOf(NoLiveAgentError);
    await expect(routed).rejects.toMatchObject({
      code: 'no_live_agent',
      details: { capability: CAPABILITY, requirements: { tier: 'fast' } },
    });
    await expect(taskRouter.route({ capability: CAPABILITY })).resolves.toEqual({
      capability: CAPABILITY,
      queue: `cap.${CAPABILITY}`,
    });
    await agent('fast', { tier: 'fast' }).start();
    await expect(
      taskRouter.route({ capability: CAPABILITY, requirements: { tier: 'fast' } }),
    ).resolves.toEqual({ capability: CAPABILITY, queue: `cap.${CAPABILITY}.tier-fast` });
  });

  it('refuses labels nobody declares, and accepts them once an agent with them has started', async () => {
    // A long snapshot TTL: the refusal is confirmed on a fresh read, so the agent that has just
    // started is seen at once.
    const taskRouter = new TaskRouter(catalog, { names, registry, snapshotTtlMs: 60_000 });
    const routed = taskRouter.route({ capability: CAPABILITY, requirements: { tier: 'quality' } });
    await expect(routed).rejects.toMatchObject({
      code: 'unknown_requirements',
      details: { unknown: { tier: 'quality' } },
    });
    await agent('quality', { tier: 'quality' }).start();
    await expect(
      taskRouter.route({ capability: CAPABILITY, requirements: { tier: 'quality' } }),
    ).resolves.toEqual({ capability: CAPABILITY, queue: `cap.${CAPABILITY}.tier-quality` });
  });

  it("with 'queue', keeps a task no live agent can serve in its exact pool queue until one starts", async () => {
    await agent('quality', { tier: 'quality' }).start();
    const tasks = service();
    const taskRouter = router();
    const waiting = await tasks.enqueue({
      capability: CAPABILITY,
      input: {},
      requirements: { tier: 'fast' },
    });
    expect(waiting.queue).toBe(`cap.${CAPABILITY}.tier-fast`);
    // A task enqueued after it runs first: the quality agent does not take the fast one.
    const later = await tasks.enqueue({ capability: CAPABILITY, input: {} });
    await completed(tasks, later.id);
    expect((await tasks.get(waiting.id)).status).toBe('queued');
    expect(await taskRouter.refreshQueues()).toContain(`cap.${CAPABILITY}.tier-fast`);
    const fast = agent('fast', { tier: 'fast', locale: 'en' });
    await fast.start();
    expect((await completed(tasks, waiting.id)).agentId).toBe(fast.id);
  });
});
