import { Queue, Worker } from 'bullmq';
import {
  Autoscaler,
  createLogger,
  ScalingStore,
  type QueueNames,
  type ScalingExecutor,
} from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import winston from 'winston';

const TYPE = 'steady';
const CONCURRENCY = 4;
const RUN_MS = 200;

/** Runs replicas as in-process BullMQ workers of one queue, each with `CONCURRENCY`. */
class InProcessExecutor implements ScalingExecutor {
  readonly workers: Worker[] = [];
  readonly changes: number[] = [];
  /** Epoch ms of the last change of the replica count. */
  changedAt = Date.now();

  constructor(
    private readonly queueName: string,
    private readonly redis: Redis,
    private readonly names: QueueNames,
  ) {}

  async setReplicas(_type: string, replicas: number): Promise<void> {
    this.changes.push(replicas);
    this.changedAt = Date.now();
    while (this.workers.length < replicas) {
      const worker = new Worker(
        this.queueName,
        // The work of a job: RUN_MS of waiting, which the autoscaler's estimates are based on.
        () => new Promise((resolve) => setTimeout(resolve, RUN_MS)),
        { connection: this.redis, prefix: this.names.prefix, concurrency: CONCURRENCY },
      );
      this.workers.push(worker);
      await worker.waitUntilReady();
    }
    await Promise.all(this.workers.splice(replicas).map((w) => w.close()));
  }

  actual(): Record<string, number> {
    return { [TYPE]: this.workers.length };
  }
}

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });

describe('Autoscaler on real queues', () => {
  let redis: Redis;
  let names: QueueNames;
  let queue: Queue;
  let executor: InProcessExecutor;
  let autoscaler: Autoscaler | undefined;
  let producer: NodeJS.Timeout | undefined;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    queue = new Queue('cap.steady', { connection: redis, prefix: names.prefix });
    executor = new InProcessExecutor(queue.name, redis, names);
  });

  afterEach(async () => {
    clearInterval(producer);
    await autoscaler?.close();
    await executor.setReplicas(TYPE, 0);
    await queue.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function start(options: { min: number; max: number; scaleDownAfterMs: number }): Autoscaler {
    autoscaler = new Autoscaler({
      connection: redis,
      names,
      executor,
      logger,
      agentTypes: {
        [TYPE]: { minReplicas: options.min, maxReplicas: options.max, concurrency: CONCURRENCY },
      },
      queuesOf: () => [queue.name],
      intervalMs: 250,
      scaleDownAfterMs: options.scaleDownAfterMs,
      defaultRunMs: RUN_MS,
    });
    void autoscaler.start();
    return autoscaler;
  }

  /** Adds `perTick` jobs every 50 ms: a steady arrival rate of 20 × perTick jobs/s. */
  function produce(perTick: number): void {
    producer = setInterval(() => {
      void queue.addBulk(
        Array.from({ length: perTick }, () => ({
          name: 'job',
          data: {},
          opts: { removeOnComplete: { count: 5000 } },
        })),
      );
    }, 50);
  }

  it('settles on Little’s law under a steady load and then does not flap', async () => {
    await executor.setReplicas(TYPE, 1);
    // 60 jobs/s × 0.2 s = 12 in flight; over 4 × 0.7 per replica: 4.3 → 5 replicas.
    produce(3);
    start({ min: 1, max: 10, scaleDownAfterMs: 1500 });
    await waitFor(() => executor.workers.length >= 4, {
      timeoutMs: 10_000,
      what: 'the autoscaler to scale up for the steady load',
    });
    // Let it settle (scale-ups come at once; a possible one-step correction within the
    // quiet period): the count holds for two quiet periods.
    await waitFor(() => Date.now() - executor.changedAt >= 3000, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the replica count to hold for 3 s',
    });
    const settled = executor.workers.length;
    const changesBefore = executor.changes.length;
    // Proving that nothing happens: the count must not change for 12 s.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(executor.changes.slice(changesBefore)).toEqual([]);
    expect(settled).toBeGreaterThanOrEqual(4);
    expect(settled).toBeLessThanOrEqual(7);
    const { agentTypes } = await new ScalingStore(redis, { names }).read();
    const rate = agentTypes[0]?.lastDecision?.arrivalRatePerSecond ?? 0;
    expect(agentTypes[0]).toMatchObject({ type: TYPE, desired: settled, actual: settled });
    expect(rate).toBeGreaterThan(0);
  }, 40_000);

  it('returns to the minimum, one replica per quiet period, once the load stops', async () => {
    await executor.setReplicas(TYPE, 1);
    produce(3);
    start({ min: 1, max: 10, scaleDownAfterMs: 1000 });
    await waitFor(() => executor.workers.length >= 4, {
      timeoutMs: 10_000,
      what: 'the autoscaler to scale up',
    });
    clearInterval(producer);
    const peak = executor.workers.length;
    const stoppedAt = Date.now();
    await waitFor(() => executor.workers.length === 1, {
      timeoutMs: 20_000,
      what: 'the autoscaler to return to the minimum',
    });
    // One replica at a time, each after a full quiet period.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual((peak - 1) * 1000);
    const downs = executor.changes.slice(executor.changes.indexOf(peak) + 1);
    expect(downs).toEqual(Array.from({ length: peak - 1 }, (_, i) => peak - 1 - i));
  }, 40_000);
});
