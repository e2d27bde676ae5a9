import { JobEventStream, type JobEvent, type QueueNames } from '@tta/core';
import { ShuttingDownError } from '../../src/errors/shutting-down-error';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import { Queue, UnrecoverableError, Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';

const QUEUE = 'cap.input.parse';
const OTHER = 'cap.world.read';

describe('JobEventStream', () => {
  let names: QueueNames;
  let redis: Redis;
  let streamRedis: Redis;
  let stream: JobEventStream;
  const queues: Queue[] = [];

  beforeEach(async () => {
    names = uniqueNames();
    redis = createTestRedis('worker');
    streamRedis = createTestRedis('worker');
    if (streamRedis.status !== 'ready') await once(streamRedis, 'ready', 5000);
    stream = new JobEventStream({ connection: streamRedis, names });
  });

  afterEach(async () => {
    await stream.close();
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await deletePrefix(redis, names.prefix);
    await Promise.all([redis.quit(), streamRedis.quit()]);
  });

  function queue(name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix: names.prefix });
    queues.push(q);
    return q;
  }

  function collect(events: JobEvent[]): (event: JobEvent) => void {
    return (event) => events.push(event);
  }

  async function runWorker(
    name: string,
    process: Processor<{ n: number }>,
    until: () => Promise<boolean>,
  ): Promise<void> {
    const connection = createTestRedis('worker');
    const worker = new Worker(name, process, { connection, prefix: names.prefix });
    try {
      await waitFor(until, { what: 'the jobs to finish' });
    } finally {
      await worker.close();
      await connection.quit();
    }
  }

  it('delivers active, progress and completed of the subscribed job only, in order', async () => {
    const q = queue(QUEUE);
    const [mine, theirs] = await q.addBulk([
      { name: 'a', data: { n: 1 } },
      { name: 'b', data: { n: 2 } },
    ]);
    const events: JobEvent[] = [];
    await stream.subscribe(QUEUE, mine!.id!, collect(events));
    await runWorker(
      QUEUE,
      async (job) => {
        await job.updateProgress({ at: job.data.n });
        return { done: job.data.n };
      },
      async () => (await q.getCompletedCount()) === 2,
    );
    await waitFor(() => events.some((e) => e.name === 'completed'));
    expect(events.map((e) => e.name)).toEqual(['active', 'progress', 'completed']);
    expect(events.every((e) => e.jobId === mine!.id)).toBe(true);
    expect(events[1]).toMatchObject({ data: { at: 1 } });
    expect(events[2]).toMatchObject({ returnvalue: { done: 1 } });
    expect(theirs!.id).not.toBe(mine!.id);
  });

  it('hears an event written right after the subscription resolves', async () => {
    const q = queue(QUEUE);
    const job = await q.add('a', {});
    const events: JobEvent[] = [];
    await stream.subscribe(QUEUE, job.id!, collect(events));
    await job.updateProgress(7);
    await waitFor(() => events.length > 0, { what: 'the progress event' });
    expect(events).toMatchObject([{ name: 'progress', jobId: job.id, data: 7 }]);
  });

  it('delivers failed with the reason, and removed for a removed job', async () => {
    const q = queue(QUEUE);
    const [broken, doomed] = await q.addBulk([
      { name: 'a', data: {} },
      { name: 'b', data: {}, opts: { delay: 60_000 } },
    ]);
    const events: JobEvent[] = [];
    await stream.subscribe(QUEUE, broken!.id!, collect(events));
    await stream.subscribe(QUEUE, doomed!.id!, collect(events));
    await q.remove(doomed!.id!);
    await runWorker(
      QUEUE,
      async () => {
        throw new UnrecoverableError('broken on purpose');
      },
      async () => (await q.getFailedCount()) === 1,
    );
    await waitFor(() => events.some((e) => e.name === 'failed'));
    expect(events.find((e) => e.name === 'removed')).toMatchObject({ jobId: doomed!.id });
    expect(events.find((e) => e.name === 'failed')).toMatchObject({
      jobId: broken!.id,
      failedReason: 'broken on purpose',
    });
  });

  it('shares one listener per queue, counts subscribers and forgets those that leave', async () => {
    const first = await stream.subscribe(QUEUE, 'job-1', () => undefined);
    const second = await stream.subscribe(QUEUE, 'job-1', () => undefined);
    const third = await stream.subscribe(OTHER, 'job-2', () => undefined);
    expect(stream.queues().sort()).toEqual([QUEUE, OTHER].sort());
    expect(stream.subscriberCount()).toBe(3);
    expect(stream.subscriberCount(QUEUE)).toBe(2);
    first();
    first();
    expect(stream.subscriberCount(QUEUE)).toBe(1);
    second();
    third();
    expect(stream.subscriberCount()).toBe(0);
    expect(stream.queues()).toHaveLength(2);
  });

  it('tells subscribers it closes, and refuses new ones after', async () => {
    const events: JobEvent[] = [];
    await stream.subscribe(QUEUE, 'job-1', collect(events));
    await stream.close();
    expect(events).toEqual([{ name: 'closed', jobId: 'job-1', eventId: '' }]);
    expect(stream.subscriberCount()).toBe(0);
    await expect(stream.subscribe(QUEUE, 'job-1', () => undefined)).rejects.toBeInstanceOf(
      ShuttingDownError,
    );
  });
});
