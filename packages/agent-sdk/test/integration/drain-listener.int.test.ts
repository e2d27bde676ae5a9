import { Queue } from 'bullmq';
import {
  AgentControl,
  AgentRegistry,
  createLogger,
  drainKey,
  NotFoundError,
  type AgentCommand,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { AgentRuntime, defineAgent, DrainListener, type AgentHandler } from '@tta/agent-sdk';

const logger = createLogger({ level: 'error' });

describe('draining an agent by command', () => {
  let redis: Redis;
  let producer: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  let control: AgentControl;
  const closers: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    redis = createTestRedis('worker');
    producer = createTestRedis('producer');
    if (producer.status !== 'ready') await once(producer, 'ready', 5000);
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: 1000 });
    control = new AgentControl(producer, {
      names,
      registry: new AgentRegistry(producer, { names, ttlMs: 1000 }),
      drainTtlMs: 60_000,
    });
  });

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deletePrefix(redis, names.prefix);
    await producer.quit();
    await redis.quit();
  });

  function listener(agentId: string, heard: AgentCommand[]): DrainListener {
    const drains = new DrainListener({
      connection: redis,
      names,
      agentId,
      logger,
      onDrain: (command) => heard.push(command),
    });
    closers.push(() => drains.close());
    return drains;
  }

  function runtime(handler: AgentHandler): AgentRuntime {
    const rt = new AgentRuntime(
      defineAgent({ type: 'echo', capabilities: ['echo.run'], concurrency: 2, handler }),
      { connection: redis, names, registry, logger, heartbeatIntervalMs: 200 },
    );
    closers.push(() => rt.stop());
    return rt;
  }

  async function register(id: string): Promise<void> {
    await registry.register({
      id,
      type: 'echo',
      capabilities: ['echo.run'],
      labels: {},
      queues: ['cap.echo.run'],
      concurrency: 1,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    });
  }

  it('refuses to drain an agent that is not live, and writes nothing', async () => {
    await expect(control.drain('ghost-1')).rejects.toThrow(NotFoundError);
    expect(await redis.exists(drainKey(names, 'ghost-1'))).toBe(0);
  });

  it('records the request with its TTL and announces it to that agent only', async () => {
    const heard: AgentCommand[] = [];
    const others: AgentCommand[] = [];
    await listener('a-1', heard).start();
    await listener('a-2', others).start();
    await register('a-1');
    const command = await control.drain('a-1', 'recycle');
    await waitFor(() => heard.length === 1, { what: 'the message' });
    expect(heard).toEqual([command]);
    expect(command).toMatchObject({ command: 'drain', agentId: 'a-1', reason: 'recycle' });
    expect(others).toEqual([]);
    const ttl = await redis.pttl(drainKey(names, 'a-1'));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('finds a request it missed on a check, and only its own', async () => {
    const heard: AgentCommand[] = [];
    const drains = listener('a-1', heard);
    await register('a-1');
    await register('a-2');
    await control.drain('a-2');
    await drains.check();
    expect(heard).toEqual([]);
    await control.drain('a-1', 'missed');
    await drains.check();
    expect(heard.map((c) => c.reason)).toEqual(['missed']);
  });

  it('makes a running agent drain: draining while its task runs, then it leaves, drained', async () => {
    const queue = new Queue(names.capability('echo.run'), {
      connection: redis,
      prefix: names.prefix,
    });
    closers.push(() => queue.close());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const rt = runtime(async () => {
      started += 1;
      await gate;
      return 'done';
    });
    await rt.start();
    const data: TaskJobData = {
      capability: 'echo.run',
      input: {},
      timeoutMs: 10_000,
      enqueuedAt: Date.now(),
    };
    const job = await queue.add('echo.run', data);
    await waitFor(() => started === 1, { what: 'the task to start' });
    const requested = once<AgentCommand>(rt, 'drain-requested');
    await control.drain(rt.id, 'recycle');
    expect((await requested).reason).toBe('recycle');
    await waitFor(async () => (await registry.get(rt.id))?.status === 'draining', {
      what: 'the registry to show draining',
    });
    const late = await queue.add('echo.run', data);
    release();
    await waitFor(() => rt.state === 'stopped', { what: 'the runtime to stop' });
    expect(await queue.getJobState(String(job.id))).toBe('completed');
    expect(await queue.getJobState(String(late.id))).toBe('waiting');
    expect(await registry.get(rt.id)).toBeUndefined();
    const left = (await registry.events()).filter((e) => e.type === 'left');
    expect(left).toEqual([expect.objectContaining({ agentId: rt.id, reason: 'drained: recycle' })]);
  });

  it('drains an agent whose message was lost, on its next heartbeat', async () => {
    const rt = runtime(async () => 'done');
    await rt.start();
    // Written without a message, as if the subscriber had been reconnecting.
    const command: AgentCommand = {
      command: 'drain',
      agentId: rt.id,
      reason: 'late',
      requestedAt: Date.now(),
    };
    await producer.set(drainKey(names, rt.id), JSON.stringify(command), 'PX', 60_000);
    await waitFor(() => rt.state === 'stopped', { what: 'the runtime to stop' });
    const left = (await registry.events()).filter((e) => e.type === 'left');
    expect(left).toEqual([expect.objectContaining({ agentId: rt.id, reason: 'drained: late' })]);
  });
});
