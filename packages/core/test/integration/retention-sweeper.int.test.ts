import { Queue, Worker } from 'bullmq';
import winston from 'winston';
import {
  costBucketKey,
  CostLedger,
  createLogger,
  createMetricsRegistry,
  DeadLetterQueue,
  NotFoundError,
  QueueShards,
  RETENTION_CLASSES,
  RetentionSweeper,
  SafetyEventStore,
  type MetricsRegistry,
  type NewSafetyEvent,
  type QueueNames,
  type RetentionAges,
  type RetentionReport,
} from '@tta/core';
import { createTestRedis, deletePrefix, once, uniquePrefix, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { failTasks } from './failing-tasks';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CAPABILITY = 'test.retention';
const DOOMED = 'test.doomed';

describe('RetentionSweeper', () => {
  let redis: Redis;
  let shards: QueueShards;
  let metrics: MetricsRegistry;
  const opened: Array<{ close(): Promise<unknown> }> = [];

  beforeEach(() => {
    redis = createTestRedis();
    shards = new QueueShards(uniquePrefix(), { count: 2 });
    metrics = createMetricsRegistry({ processMetrics: false });
  });

  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
    for (const shard of shards.all) await deletePrefix(redis, shard.prefix);
    await redis.quit();
  });

  function sweeper(ageMs: number, batchSize = 1000, connection: Redis = redis): RetentionSweeper {
    const ages = Object.fromEntries(RETENTION_CLASSES.map((c) => [c, ageMs])) as RetentionAges;
    const s = new RetentionSweeper({
      connection,
      shards,
      ages,
      queues: () => [shards.control.capability(CAPABILITY), shards.control.capability(DOOMED)],
      logger,
      metrics,
      intervalMs: 100,
      batchSize,
    });
    opened.push(s);
    return s;
  }

  function queue(names: QueueNames, name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix: names.prefix });
    opened.push(q);
    return q;
  }

  /** Runs `count` jobs of `name` on `names` to completion, each with a result. */
  async function completeJobs(names: QueueNames, name: string, count: number): Promise<string[]> {
    const q = queue(names, name);
    const added = await q.addBulk(
      Array.from({ length: count }, () => ({ name: CAPABILITY, data: { text: 'my words' } })),
    );
    const worker = new Worker(name, () => Promise.resolve({ passage: 'a story' }), {
      connection: redis,
      prefix: names.prefix,
    });
    const ids = added.map((job) => job.id as string);
    try {
      await waitFor(async () => {
        const states = await Promise.all(ids.map((id) => q.getJobState(id)));
        return states.every((state) => state === 'completed');
      });
    } finally {
      await worker.close();
    }
    return ids;
  }

  /** A task of `DOOMED` that failed and was moved to the dead-letter queue. */
  async function deadLetter(names: QueueNames): Promise<{ dlq: DeadLetterQueue; id: string }> {
    const [id] = await failTasks(redis, names, DOOMED, [{ input: { message: 'no' } }]);
    const dlq = new DeadLetterQueue({
      connection: redis,
      names,
      shards,
      queues: () => [names.capability(DOOMED)],
    });
    opened.push(dlq);
    expect((await dlq.moveFailed()).moved).toEqual([id]);
    return { dlq, id: id! };
  }

  function safetyEvent(runId: string): NewSafetyEvent {
    return {
      type: 'concern',
      runId,
      workflow: 'player-turn',
      sessionId: 's-1',
      level: 'concern',
      categories: ['self-harm'],
      layers: ['lexicon'],
      sessionReasons: [],
      shown: 'check_in',
      at: Date.now(),
    };
  }

  // Stores that keep their data a day, as a longer configured age would: what goes earlier
  // goes by the sweeper, not by a TTL.
  const ledger = () => new CostLedger(redis, { names: shards.control, retentionMs: DAY });
  const events = () =>
    new SafetyEventStore(redis, { names: shards.control, retentionMs: DAY, hashKey: 'k' });
  const spend = (at: number) => ({
    taskId: 't-1',
    sessionId: 's-1',
    agentType: 'narrative-generator',
    model: 'm',
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.01,
    at,
  });

  async function oldestStreamMs(key: string): Promise<number | undefined> {
    const [first] = await redis.xrange(key, '-', '+', 'COUNT', 1);
    return first ? Number(first[0].split('-')[0]) : undefined;
  }

  async function removed(): Promise<Record<string, number>> {
    const metric = await metrics.getSingleMetric('tta_retention_removed_total')?.get();
    return Object.fromEntries(
      (metric?.values ?? []).map((v) => [String(v.labels.class), Number(v.value)]),
    );
  }

  it('removes the data of every class once past its age, with no new traffic, and keeps younger data', async () => {
    const AGE = 6000;
    const [control, other] = shards.all as [QueueNames, QueueNames];
    const taskQueue = control.capability(CAPABILITY);
    const old = {
      completed: await completeJobs(control, taskQueue, 3),
      otherShard: await completeJobs(other, taskQueue, 1),
      runs: await completeJobs(other, other.workflow, 1),
      deadLetter: await deadLetter(control),
      failed: await failTasks(redis, control, CAPABILITY, [{ input: { message: 'cancelled' } }]),
      event: (await events().record(safetyEvent('run-old'))).event,
    };
    const oldHour = Date.now() - 3 * HOUR;
    await ledger().record(spend(oldHour));
    const putBy = Date.now();
    const tasks = queue(control, taskQueue);
    const finishedOn = await Promise.all(
      old.completed.map(async (id) => (await tasks.getJob(id))?.finishedOn ?? 0),
    );

    const s = sweeper(AGE);
    const sweeps: Array<{ at: number; report: RetentionReport }> = [];
    s.on('swept', (report) => sweeps.push({ at: Date.now(), report }));
    await s.start();
    const eventKey = events().auditKey;
    await waitFor(
      async () => {
        const gone = await Promise.all([
          tasks.getJobCounts('completed', 'failed'),
          queue(other, taskQueue).getCompletedCount(),
          queue(other, other.workflow).getCompletedCount(),
          old.deadLetter.dlq.find(old.deadLetter.id),
          redis.exists(costBucketKey(control, Math.floor(oldHour / HOUR))),
          events()
            .get(old.event.id)
            .catch((err: unknown) => err),
          oldestStreamMs(eventKey),
          oldestStreamMs(tasks.toKey('events')),
        ]);
        const [counts, otherCompleted, runs, entry, bucket, event, audit, jobEvents] = gone;
        return (
          counts.completed === 0 &&
          counts.failed === 0 &&
          otherCompleted === 0 &&
          runs === 0 &&
          entry === undefined &&
          bucket === 0 &&
          event instanceof NotFoundError &&
          audit === undefined &&
          (jobEvents === undefined || jobEvents >= putBy)
        );
      },
      { timeoutMs: AGE + 15_000, intervalMs: 100, what: 'every class of old data removed' },
    );
    // Nothing went before its age: the first sweep that removed a completed job came after it.
    const firstRemoval = sweeps.find(({ report }) => report.completed > 0);
    expect(firstRemoval?.at).toBeGreaterThanOrEqual(Math.min(...finishedOn) + AGE);
    expect(await removed()).toMatchObject({
      completed: 5,
      failed: 1,
      deadLetter: 1,
      costs: 1,
      safetyEvents: 1,
      audit: 1,
      world: 0,
    });
    expect((await removed()).jobEvents).toBeGreaterThan(0);

    // Younger data of every class stays through the sweeps that follow.
    const young = {
      completed: await completeJobs(control, taskQueue, 1),
      deadLetter: await deadLetter(control),
      failed: await failTasks(redis, control, CAPABILITY, [{ input: { message: 'young' } }]),
      event: (await events().record(safetyEvent('run-young'))).event,
    };
    await ledger().record(spend(Date.now()));
    await once(s, 'swept');
    await once(s, 'swept');
    expect(await tasks.getJobCounts('completed', 'failed')).toEqual({ completed: 1, failed: 1 });
    expect(await young.deadLetter.dlq.find(young.deadLetter.id)).toBeDefined();
    expect(await events().get(young.event.id)).toMatchObject({ id: young.event.id });
    expect((await events().audit()).map((entry) => entry.eventId)).toEqual([young.event.id]);
    const hour = Math.floor(Date.now() / HOUR);
    expect(await redis.exists(costBucketKey(control, hour))).toBe(1);
  });

  it('removes at most batchSize per class and place in one sweep, the rest at the next', async () => {
    const control = shards.control;
    const ids = await completeJobs(control, control.capability(CAPABILITY), 3);
    for (const run of ['run-1', 'run-2', 'run-3']) await events().record(safetyEvent(run));
    // With an age of 1 ms, everything is old once the clock has moved on from the last write.
    const written = Date.now();
    await waitFor(() => Date.now() > written + 1);
    const s = sweeper(1, 2);
    const first = await s.sweep();
    expect(first).toMatchObject({ completed: 2, safetyEvents: 2, audit: 2 });
    const second = await s.sweep();
    expect(second).toMatchObject({ completed: 1, safetyEvents: 1, audit: 1 });
    expect(await s.sweep()).toMatchObject({ completed: 0, safetyEvents: 0, audit: 0 });
    const tasks = queue(control, control.capability(CAPABILITY));
    expect(await Promise.all(ids.map((id) => tasks.getJob(id)))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('sweeps the same data from two sweepers at once without removing anything twice', async () => {
    const control = shards.control;
    await completeJobs(control, control.capability(CAPABILITY), 4);
    await events().record(safetyEvent('run-1'));
    const written = Date.now();
    await waitFor(() => Date.now() > written + 1);
    const other = createTestRedis();
    opened.push({ close: () => other.quit() });
    const [a, b] = await Promise.all([sweeper(1).sweep(), sweeper(1, 1000, other).sweep()]);
    expect(a.completed + b.completed).toBe(4);
    expect(a.safetyEvents + b.safetyEvents).toBe(1);
    expect(a.audit + b.audit).toBe(1);
    expect(await queue(control, control.capability(CAPABILITY)).getCompletedCount()).toBe(0);
  });
});
