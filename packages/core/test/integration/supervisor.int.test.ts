import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import winston from 'winston';
import {
  AgentRegistry,
  createLogger,
  DeadAgentJobs,
  createMetricsRegistry,
  knownQueuesKey,
  LocalExecutor,
  PoolPruner,
  QueueShards,
  RETENTION_CLASSES,
  RetentionSweeper,
  Supervisor,
  type QueueNames,
  type RetentionAges,
  type SupervisorOptions,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });
const LOCK_TTL_MS = 600;
const AGENT_TTL_MS = 300;

describe('Supervisor', () => {
  let redis: Redis;
  let names: QueueNames;
  let registry: AgentRegistry;
  const connections: Redis[] = [];
  const supervisors: Supervisor[] = [];

  /** A supervisor with its own connection, as a separate process would have. */
  function supervisor(id: string, extra: Partial<SupervisorOptions> = {}): Supervisor {
    const connection = createTestRedis();
    connections.push(connection);
    const s = new Supervisor({
      redis: connection,
      names,
      registry: new AgentRegistry(connection, { names, ttlMs: AGENT_TTL_MS }),
      logger,
      id,
      replicas: {},
      leaderLockTtlMs: LOCK_TTL_MS,
      sweepIntervalMs: 100,
      ...extra,
    });
    supervisors.push(s);
    return s;
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    registry = new AgentRegistry(redis, { names, ttlMs: AGENT_TTL_MS });
  });

  afterEach(async () => {
    await Promise.all(supervisors.splice(0).map((s) => s.stop()));
    await Promise.all(connections.splice(0).map((c) => c.quit()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('makes one of two supervisors the leader', async () => {
    const a = supervisor('sup-a');
    const b = supervisor('sup-b');
    const leading = jest.fn();
    a.on('leading', leading);
    b.on('leading', leading);
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect(leading).toHaveBeenCalledTimes(1);
    expect(a.state).toBe('running');
    expect(b.state).toBe('running');
    expect(await b.currentLeader()).toBe('sup-a');
  });

  it('sweeps a dead agent from the registry while leading; the standby does not', async () => {
    const a = supervisor('sup-a');
    const b = supervisor('sup-b');
    await a.start();
    await b.start();
    const standbySwept = jest.fn();
    b.on('swept', standbySwept);
    const swept = once<Array<{ id: string; type: string }>>(a, 'swept', 5000);
    await registry.register({
      id: 'agent-1',
      type: 'world-builder',
      capabilities: ['world.update'],
      labels: {},
      queues: ['cap.world.update'],
      concurrency: 1,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    });
    const registeredAt = Date.now();
    expect(await swept).toEqual([
      { id: 'agent-1', type: 'world-builder', queues: ['cap.world.update'] },
    ]);
    expect(Date.now() - registeredAt).toBeGreaterThanOrEqual(AGENT_TTL_MS - 20);
    expect(await redis.zscore(names.key('registry', 'agents'), 'agent-1')).toBeNull();
    const events = await registry.events();
    expect(events.map((e) => [e.type, e.agentId])).toEqual([
      ['joined', 'agent-1'],
      ['dead', 'agent-1'],
    ]);
    expect(standbySwept).not.toHaveBeenCalled();
  });

  it("releases a dead agent's running jobs to live workers long before their locks expire", async () => {
    const queueName = 'cap.test.release';
    const queue = new Queue(queueName, { connection: redis, prefix: names.prefix });
    const lockDuration = 30_000;
    const workerConnection = () => {
      const connection = createTestRedis();
      connections.push(connection);
      return connection;
    };
    const starts: Array<{ worker: string; at: number }> = [];
    const worker = (name: string, hang: boolean) =>
      new Worker(
        queueName,
        async () => {
          starts.push({ worker: name, at: Date.now() });
          if (hang) await new Promise(() => undefined);
          return 'done';
        },
        {
          connection: workerConnection(),
          prefix: names.prefix,
          name,
          lockDuration,
          stalledInterval: 100,
          autorun: false,
        },
      );
    const dying = worker('agent-dead', true);
    const other = new Queue(queueName, { connection: redis, prefix: names.prefix });
    // Another job whose lock belongs to a live agent: it must keep it.
    const alive = worker('agent-alive', true);
    const live = worker('agent-live', false);
    try {
      await registry.register({
        id: 'agent-dead',
        type: 'chaos',
        capabilities: ['test.release'],
        labels: {},
        queues: [queueName],
        concurrency: 1,
        host: 'h',
        pid: 1,
        version: '0',
        startedAt: Date.now(),
      });
      const job = await queue.add('t', {});
      void dying.run();
      await waitFor(() => starts.length === 1, { what: 'the job to start on the dying agent' });
      // The agent dies: its worker stops renewing its lock and never finishes the job.
      await dying.close(true);
      const sidelined = await other.add('t2', {});
      void alive.run();
      await waitFor(() => starts.length === 2, { what: 'the second job to start' });
      const diedAt = Date.now();
      const s = supervisor('sup-a', {
        deadAgentJobs: new DeadAgentJobs({ redis, shards: new QueueShards(names.prefix) }),
      });
      const released: Array<[string, number]> = [];
      s.on('jobs-released', (agentId, jobs) => released.push([agentId, jobs]));
      await s.start();
      void live.run();
      await waitFor(() => released.length > 0, { what: "the dead agent's job to be released" });
      expect(released).toEqual([['agent-dead', 1]]);
      await waitFor(async () => (await job.getState()) === 'completed', {
        what: 'the released job to run again and complete',
      });
      expect(Date.now() - diedAt).toBeLessThan(5000);
      expect(starts.filter((st) => st.worker === 'agent-live')).toHaveLength(1);
      expect(await sidelined.getState()).toBe('active');
    } finally {
      await Promise.all([dying, alive, live].map((w) => w.close(true)));
      await queue.close();
      await other.close();
    }
  });

  it('counts dead agents and leadership in its metrics', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const a = supervisor('sup-a', { metrics });
    await a.start();
    const swept = once(a, 'swept', 5000);
    await registry.register({
      id: 'agent-1',
      type: 'narrative-generator',
      capabilities: [],
      labels: {},
      queues: [],
      concurrency: 1,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    });
    await swept;
    const text = await metrics.metrics();
    expect(text).toContain('tta_supervisor_leader 1');
    expect(text).toContain('tta_registry_dead_agents_total{agent_type="narrative-generator"} 1');
  });

  it('hands leadership to the standby within about a second when the leader stops', async () => {
    const a = supervisor('sup-a');
    const b = supervisor('sup-b');
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    const leading = once(b, 'leading', 5000);
    const stoppedAt = Date.now();
    await a.stop();
    expect(a.state).toBe('stopped');
    expect(a.isLeader).toBe(false);
    await leading;
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(b.isLeader).toBe(true);
    expect(await b.currentLeader()).toBe('sup-b');
  });

  it('stands by when another takes its lock, and stops sweeping', async () => {
    const a = supervisor('sup-a');
    await a.start();
    expect(a.isLeader).toBe(true);
    const standby = once(a, 'standby', 5000);
    await redis.set(names.key('supervisor', 'leader'), 'intruder', 'PX', 60_000);
    await standby;
    expect(a.isLeader).toBe(false);
    expect(a.state).toBe('running');
    const swept = jest.fn();
    a.on('swept', swept);
    await registry.register({
      id: 'agent-1',
      type: 'world-builder',
      capabilities: [],
      labels: {},
      queues: [],
      concurrency: 1,
      host: 'h',
      pid: 1,
      version: '0',
      startedAt: Date.now(),
    });
    // Past the agent's TTL by five sweep intervals: a standby leaves it to the leader.
    await waitFor(async () => (await registry.list()).length === 0, {
      what: 'the agent to expire',
    });
    const expiredAt = Date.now();
    await waitFor(() => Date.now() - expiredAt > 500, { what: 'five sweep intervals' });
    expect(swept).not.toHaveBeenCalled();
    expect(await redis.zscore(names.key('registry', 'agents'), 'agent-1')).not.toBeNull();
    // Once the lock is free again it leads and sweeps the dead agent.
    const sweptNow = once(a, 'swept', 5000);
    await redis.del(names.key('supervisor', 'leader'));
    // (Its type may be 'unknown' by now: the agent's hash expires at 3 TTLs.)
    expect(await sweptNow).toEqual([
      { id: 'agent-1', type: expect.any(String), queues: expect.any(Array) },
    ]);
    expect(a.isLeader).toBe(true);
  });

  describe('with a retention sweeper', () => {
    const QUEUE = 'cap.test.retention';
    const AGE_MS = 1000;
    const opened: Array<{ close(): Promise<unknown> }> = [];

    afterEach(async () => {
      for (const o of opened.splice(0).reverse()) await o.close();
    });

    /** A retention sweeper on its own connection, as a supervisor process would have. */
    function retention(): RetentionSweeper {
      const connection = createTestRedis();
      connections.push(connection);
      const ages = Object.fromEntries(RETENTION_CLASSES.map((c) => [c, AGE_MS])) as RetentionAges;
      const sweeper = new RetentionSweeper({
        connection,
        shards: new QueueShards(names.prefix),
        ages,
        queues: () => [QUEUE],
        logger,
        intervalMs: 50,
      });
      opened.push(sweeper);
      return sweeper;
    }

    /** Completes one job of `QUEUE`; answers the queue, to count its completed jobs. */
    async function completeOne(): Promise<Queue> {
      const queue = new Queue(QUEUE, { connection: redis, prefix: names.prefix });
      opened.push(queue);
      const worker = new Worker(QUEUE, () => Promise.resolve('done'), {
        connection: redis,
        prefix: names.prefix,
      });
      try {
        await queue.add('task', { text: 'words' });
        await waitFor(async () => (await queue.getCompletedCount()) === 1);
      } finally {
        await worker.close();
      }
      return queue;
    }

    const removed = (queue: Queue, what: string) =>
      waitFor(async () => (await queue.getCompletedCount()) === 0, {
        timeoutMs: AGE_MS + 10_000,
        what,
      });

    it('sweeps only while it leads; the standby takes the sweeping over when the leader stops', async () => {
      const [sweeperA, sweeperB] = [retention(), retention()];
      const a = supervisor('sup-a', { retention: sweeperA });
      const b = supervisor('sup-b', { retention: sweeperB });
      await a.start();
      await b.start();
      expect(a.isLeader).toBe(true);
      const standbySwept = jest.fn();
      sweeperB.on('swept', standbySwept);
      await removed(await completeOne(), 'the completed job removed by the leader');
      expect(standbySwept).not.toHaveBeenCalled();

      const takenOver = once(b, 'leading', 5000);
      await a.stop();
      await takenOver;
      const stoppedSwept = jest.fn();
      sweeperA.on('swept', stoppedSwept);
      await removed(await completeOne(), 'the completed job removed by the new leader');
      expect(stoppedSwept).not.toHaveBeenCalled();
    });
  });

  it('forgets idle pool queues while it leads, with a pool pruner', async () => {
    const key = knownQueuesKey(names);
    await redis.zadd(key, Date.now(), 'cap.story.tell.tier-slow');
    const pruner = new PoolPruner({ registry, names, idleMs: 200, intervalMs: 50 });
    const a = supervisor('sup-a', { poolPruner: pruner });
    const stopped = jest.spyOn(pruner, 'stop');
    await a.start();
    await waitFor(async () => (await redis.zcard(key)) === 0, { what: 'the idle pool forgotten' });
    await a.stop();
    expect(stopped).toHaveBeenCalled();
  });

  it('refuses to start twice and stops safely twice', async () => {
    const a = supervisor('sup-a');
    await a.start();
    await expect(a.start()).rejects.toMatchObject({ code: 'illegal_state' });
    await Promise.all([a.stop(), a.stop()]);
    expect(a.state).toBe('stopped');
    expect(a.isLeader).toBe(false);
    expect(await redis.exists(names.key('supervisor', 'leader'))).toBe(0);
  });

  describe('with a local executor', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'tta-supervisor-'));
      // A worker that runs until SIGTERM.
      writeFileSync(
        path.join(dir, 'worker.js'),
        "process.on('SIGTERM', () => process.exit(0)); setInterval(() => undefined, 60000);",
      );
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    function executor(): LocalExecutor {
      return new LocalExecutor({
        command: () => ({ file: process.execPath, args: [path.join(dir, 'worker.js')] }),
        logger,
      });
    }

    it('runs the configured workers only on the leader, and moves them on handover', async () => {
      const exA = executor();
      const exB = executor();
      const a = supervisor('sup-a', { executor: exA, replicas: { echo: 2 } });
      const b = supervisor('sup-b', { executor: exB, replicas: { echo: 2 } });
      await a.start();
      await b.start();
      await waitFor(() => exA.pids('echo').length === 2, { what: "the leader's workers" });
      const first = exA.pids('echo');
      expect(exB.pids('echo')).toEqual([]);
      await a.stop();
      for (const pid of first) expect(() => process.kill(pid, 0)).toThrow();
      await waitFor(() => exB.pids('echo').length === 2, {
        timeoutMs: 5000,
        what: "the new leader's workers",
      });
      expect(exB.actual()).toEqual({ echo: 2 });
    });

    it('keeps its workers through a lock lost with no other leader, and takes the lock back', async () => {
      const exA = executor();
      const a = supervisor('sup-a', { executor: exA, replicas: { echo: 2 } });
      await a.start();
      await waitFor(() => exA.pids('echo').length === 2, { what: "the leader's workers" });
      const workers = exA.pids('echo');
      const standby = once(a, 'standby', 5000);
      const leading = once(a, 'leading', 5000);
      // As after a Redis outage, or a Redis that came back empty: the lock is simply gone.
      await redis.del(names.key('supervisor', 'leader'));
      await standby;
      await leading;
      expect(a.isLeader).toBe(true);
      expect(exA.pids('echo')).toEqual(workers);
      expect(exA.actual()).toEqual({ echo: 2 });
    });

    it('stops its workers once another supervisor leads', async () => {
      const exA = executor();
      const a = supervisor('sup-a', { executor: exA, replicas: { echo: 2 } });
      await a.start();
      await waitFor(() => exA.pids('echo').length === 2, { what: "the leader's workers" });
      await redis.set(names.key('supervisor', 'leader'), 'intruder', 'PX', 60_000);
      await waitFor(() => exA.actual().echo === 0, {
        timeoutMs: 5000,
        what: 'the workers of the supervisor that lost the lead to stop',
      });
      expect(a.isLeader).toBe(false);
    });
  });
});
