import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import winston from 'winston';
import {
  createLogger,
  createMetricsRegistry,
  DeadLetterQueue,
  deadLetterDataOf,
  NotFoundError,
  TaskId,
  type DeadLetterQueueOptions,
  type QueueNames,
  type TaskJobData,
} from '@tta/core';
import { TaskExistsError } from '../../src/errors/task-exists-error';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { FAILING_AGENT_ID, failTasks, taskData } from './failing-tasks';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });
const NARRATIVE = 'narrative.generate';
const PARSE = 'input.parse';

describe('DeadLetterQueue', () => {
  let redis: Redis;
  let names: QueueNames;
  let metrics: Registry;
  let dlq: DeadLetterQueue;
  const opened: Array<{ close(): Promise<unknown> }> = [];

  /** A DeadLetterQueue watching both test capability queues. */
  function deadLetterQueue(extra: Partial<DeadLetterQueueOptions> = {}): DeadLetterQueue {
    const queue = new DeadLetterQueue({
      connection: redis,
      names,
      queues: () => Promise.resolve([names.capability(NARRATIVE), names.capability(PARSE)]),
      logger,
      ...extra,
    });
    opened.push(queue);
    return queue;
  }

  /** A queue of the test prefix, for assertions. */
  function queue(name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix: names.prefix });
    opened.push(q);
    return q;
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    metrics = createMetricsRegistry({ processMetrics: false });
    dlq = deadLetterQueue({ metrics });
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  async function deadLetteredCount(capability: string): Promise<number | undefined> {
    const metric = await metrics.getSingleMetric('tta_tasks_dead_lettered_total')?.get();
    return metric?.values.find((v) => v.labels.capability === capability)?.value;
  }

  it('moves a task that exhausted its attempts, with its task, error, attempts and agent', async () => {
    const [id] = await failTasks(redis, names, NARRATIVE, [
      {
        input: { message: 'model unavailable' },
        sessionId: 's-1',
        opts: { attempts: 2, backoff: { type: 'fixed', delay: 1 } },
      },
    ]);
    const before = Date.now();
    const result = await dlq.moveFailed();
    expect(result).toEqual({ moved: [id], skipped: 0 });
    const original = queue(names.capability(NARRATIVE));
    expect(await original.getJob(id!)).toBeUndefined();
    expect(await original.getFailedCount()).toBe(0);
    const entry = await dlq.get(id!);
    expect(entry).toEqual({
      id,
      capability: NARRATIVE,
      queue: 'cap.narrative.generate',
      task: expect.objectContaining({
        capability: NARRATIVE,
        input: { message: 'model unavailable' },
        sessionId: 's-1',
      }),
      error: { message: 'model unavailable', stack: expect.stringContaining('model unavailable') },
      attempts: 2,
      agentId: FAILING_AGENT_ID,
      failedAt: expect.any(Number),
      deadLetteredAt: expect.any(Number),
    });
    expect(entry.failedAt).toBeLessThanOrEqual(entry.deadLetteredAt);
    expect(entry.deadLetteredAt).toBeGreaterThanOrEqual(before);
    expect(await deadLetteredCount(NARRATIVE)).toBe(1);
  });

  it('moves a task that failed with an UnrecoverableError after one attempt', async () => {
    const [id] = await failTasks(redis, names, PARSE, [
      { input: { message: 'cannot parse', unrecoverable: true }, opts: { attempts: 5 } },
    ]);
    expect((await dlq.moveFailed()).moved).toEqual([id]);
    expect(await dlq.get(id!)).toMatchObject({
      capability: PARSE,
      queue: 'cap.input.parse',
      error: { message: 'cannot parse' },
      attempts: 1,
    });
    expect(await deadLetteredCount(PARSE)).toBe(1);
  });

  it('moves a task that stalled more often than allowed, with the stalled reason', async () => {
    const name = names.capability(NARRATIVE);
    const original = queue(name);
    const id = TaskId.create(name);
    let stalledOut!: () => void;
    const failed = new Promise<void>((resolve) => (stalledOut = resolve));
    // The handler outlives its lock, which is never renewed: the stalled checker takes the
    // job back, and with maxStalledCount 0 the next pick-up fails it for good.
    const worker = new Worker<TaskJobData>(
      name,
      () => Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]),
      {
        connection: redis,
        prefix: names.prefix,
        name: 'agent-stalling',
        concurrency: 2,
        lockDuration: 300,
        stalledInterval: 300,
        maxStalledCount: 0,
        skipLockRenewal: true,
      },
    );
    worker.on('error', () => undefined);
    worker.on('failed', (job) => job?.id === id && stalledOut());
    opened.push(worker);
    await original.add(NARRATIVE, taskData(NARRATIVE, { text: 'slow' }), {
      jobId: id,
      attempts: 3,
    });
    await failed;
    expect((await dlq.moveFailed()).moved).toEqual([id]);
    const entry = await dlq.get(id);
    expect(entry.error.message).toMatch(/stalled/);
    expect(entry.agentId).toBe('agent-stalling');
  });

  it('leaves a cancelled task in its failed set and moves the others', async () => {
    const [cancelled, plain] = await failTasks(redis, names, NARRATIVE, [
      { input: { message: 'aborted' } },
      { input: { message: 'broken' } },
    ]);
    await redis.hset(names.key('cancelled', cancelled!), 'cancelledAt', String(Date.now()));
    const result = await dlq.moveFailed();
    expect(result.moved).toEqual([plain]);
    expect(result.skipped).toBe(1);
    expect(await dlq.find(cancelled!)).toBeUndefined();
    expect(await queue(names.capability(NARRATIVE)).getJobState(cancelled!)).toBe('failed');
  });

  it('leaves a failed stage of a workflow run to its parent', async () => {
    const flows = new FlowProducer({ connection: redis, prefix: names.prefix });
    opened.push(flows);
    const name = names.capability(NARRATIVE);
    const childId = TaskId.create(name);
    await flows.add({
      name: 'turn',
      queueName: names.workflow,
      data: {},
      children: [
        {
          name: NARRATIVE,
          queueName: name,
          data: taskData(NARRATIVE, { message: 'stage failed' }),
          opts: { jobId: childId, attempts: 1 },
        },
      ],
    });
    const worker = new Worker(
      name,
      () => {
        throw new Error('stage failed');
      },
      { connection: redis, prefix: names.prefix },
    );
    opened.push(worker);
    const original = queue(name);
    await waitFor(async () => (await original.getJobState(childId)) === 'failed');
    expect(await dlq.moveFailed()).toEqual({ moved: [], skipped: 1 });
    expect(await original.getJobState(childId)).toBe('failed');
  });

  it('does nothing on a repeated call', async () => {
    const [id] = await failTasks(redis, names, NARRATIVE, [{ input: { message: 'once' } }]);
    expect((await dlq.moveFailed()).moved).toEqual([id]);
    expect(await dlq.moveFailed()).toEqual({ moved: [], skipped: 0 });
    expect(await queue(names.deadLetter).count()).toBe(1);
    expect((await dlq.list()).total).toBe(1);
    expect(await deadLetteredCount(NARRATIVE)).toBe(1);
  });

  it('finishes a move that died after adding the entry but before removing the original', async () => {
    const name = names.capability(NARRATIVE);
    const [id] = await failTasks(redis, names, NARRATIVE, [{ input: { message: 'half' } }]);
    const original = queue(name);
    const job = (await original.getJob(id!)) as Job<TaskJobData>;
    const deadLetters = queue(names.deadLetter);
    await deadLetters.add(NARRATIVE, deadLetterDataOf(job, name), { jobId: id });
    // The original is still there: putting the task back would make two of it.
    await expect(dlq.retry(id!)).rejects.toBeInstanceOf(TaskExistsError);
    expect((await dlq.moveFailed()).moved).toEqual([id]);
    expect(await original.getJob(id!)).toBeUndefined();
    expect(await deadLetters.count()).toBe(1);
    const page = await dlq.list();
    expect(page.total).toBe(1);
    expect(page.entries.map((e) => e.id)).toEqual([id]);
  });

  it('puts a task back in its queue on retry, where it completes', async () => {
    const name = names.capability(NARRATIVE);
    const [id] = await failTasks(redis, names, NARRATIVE, [
      { input: { message: 'flaky' }, opts: { attempts: 2, backoff: { type: 'fixed', delay: 1 } } },
    ]);
    await dlq.moveFailed();
    expect(await dlq.retry(id!)).toEqual({
      id,
      status: 'queued',
      capability: NARRATIVE,
      queue: name,
    });
    expect(await dlq.find(id!)).toBeUndefined();
    expect((await dlq.list()).total).toBe(0);
    const original = queue(name);
    const requeued = await original.getJob(id!);
    expect(requeued?.attemptsMade).toBe(0);
    expect(requeued?.opts.attempts).toBe(2);
    expect(await original.getJobState(id!)).toBe('waiting');
    const worker = new Worker<TaskJobData>(name, (job) => Promise.resolve(job.data.input), {
      connection: redis,
      prefix: names.prefix,
    });
    opened.push(worker);
    await waitFor(async () => (await original.getJobState(id!)) === 'completed');
    expect((await original.getJob(id!))?.returnvalue).toEqual({ message: 'flaky' });
    await expect(dlq.retry(id!)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('removes an entry for good', async () => {
    const [id] = await failTasks(redis, names, NARRATIVE, [{ input: { message: 'gone' } }]);
    await dlq.moveFailed();
    await dlq.remove(id!);
    expect(await dlq.find(id!)).toBeUndefined();
    expect(await dlq.list()).toEqual({ entries: [], total: 0 });
    expect(await queue(names.capability(NARRATIVE)).getJob(id!)).toBeUndefined();
    await expect(dlq.remove(id!)).rejects.toMatchObject({ code: 'not_found' });
    await expect(dlq.get('not-a-task-id')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("finds and removes a session's entries by its index, and only those", async () => {
    const [a, b, other] = await failTasks(redis, names, NARRATIVE, [
      { input: { message: 'one' }, sessionId: 's-erase' },
      { input: { message: 'two' }, sessionId: 's-erase' },
      { input: { message: 'three' }, sessionId: 's-keep' },
    ]);
    await dlq.moveFailed();
    expect((await dlq.ofSession('s-erase')).map((e) => e.id).sort()).toEqual([a, b].sort());
    const removed = await dlq.removeSession('s-erase');
    expect(removed.map((e) => e.id).sort()).toEqual([a, b].sort());
    expect(await dlq.ofSession('s-erase')).toEqual([]);
    expect((await dlq.list()).entries.map((e) => e.id)).toEqual([other]);
    expect(await redis.keys(`${names.prefix}*s-erase*`)).toEqual([]);
    expect(await dlq.removeSession('s-erase')).toEqual([]);
    // Retried, an entry leaves its session's index too.
    await dlq.retry(other!);
    expect(await dlq.ofSession('s-keep')).toEqual([]);
  });

  it('lists entries newest first, by page and by capability', async () => {
    const [n1, n2] = await failTasks(redis, names, NARRATIVE, [
      { input: { message: 'n1' } },
      { input: { message: 'n2' } },
    ]);
    await dlq.moveFailed();
    const [p1] = await failTasks(redis, names, PARSE, [{ input: { message: 'p1' } }]);
    await dlq.moveFailed();
    const all = await dlq.list();
    expect(all.total).toBe(3);
    expect(all.entries[0]?.id).toBe(p1);
    expect(new Set(all.entries.map((e) => e.id))).toEqual(new Set([n1, n2, p1]));
    const firstPage = await dlq.list({ start: 0, end: 1 });
    expect(firstPage.entries).toHaveLength(2);
    expect(firstPage.total).toBe(3);
    expect((await dlq.list({ start: 2, end: 5 })).entries).toHaveLength(1);
    const parse = await dlq.list({ capability: PARSE });
    expect(parse).toEqual({ entries: [expect.objectContaining({ id: p1 })], total: 1 });
    expect((await dlq.list({ capability: NARRATIVE })).total).toBe(2);
  });

  it('looks at no more than maxPerQueue jobs a call and resumes after skipped ones', async () => {
    const bounded = deadLetterQueue({ maxPerQueue: 2 });
    const ids = await failTasks(redis, names, NARRATIVE, [
      { input: { message: 'a' } },
      { input: { message: 'b' } },
      { input: { message: 'c' } },
    ]);
    // The two that failed first are cancelled: the first call looks at them only.
    const failedSet = await queue(names.capability(NARRATIVE)).getRanges(['failed'], 0, -1, true);
    for (const id of failedSet.slice(0, 2)) {
      await redis.hset(names.key('cancelled', id), 'cancelledAt', '1');
    }
    const last = ids.find((id) => !failedSet.slice(0, 2).includes(id));
    expect(await bounded.moveFailed()).toMatchObject({ moved: [], skipped: 2 });
    expect(await bounded.moveFailed()).toMatchObject({ moved: [last] });
    expect(await queue(names.capability(NARRATIVE)).getFailedCount()).toBe(2);
  });

  it('purges entries older than the retention, and only those', async () => {
    const shortLived = deadLetterQueue({ retentionMs: 1000 });
    const [id] = await failTasks(redis, names, NARRATIVE, [{ input: { message: 'old' } }]);
    expect((await shortLived.moveFailed()).moved).toEqual([id]);
    const { deadLetteredAt } = await shortLived.get(id!);
    expect(await shortLived.purgeExpired({ before: deadLetteredAt })).toBe(0);
    expect(await shortLived.find(id!)).toBeDefined();
    await waitFor(async () => (await shortLived.purgeExpired()) === 1, { intervalMs: 50 });
    expect(await shortLived.find(id!)).toBeUndefined();
    expect(await shortLived.list()).toEqual({ entries: [], total: 0 });
  });
});
