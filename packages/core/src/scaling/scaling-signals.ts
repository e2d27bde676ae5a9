import { Queue } from 'bullmq';
import type { QueueNames } from '../queues/queue-names';
import type { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';

/** One reading of an agent type's queues. */
export interface QueueSample {
  /** When it was read, epoch ms. */
  atMs: number;
  /** Jobs waiting, prioritized, delayed or active: added and not yet finished. */
  inSystem: number;
  /** Jobs waiting or prioritized: ready and not started. */
  backlog: number;
  /** Jobs finished (completed or failed) since the previous reading's time. */
  finishedSince: number;
  /** Run times (finishedOn − processedOn) of the newest completed jobs, in seconds. */
  runSeconds: number[];
}

/** Options of {@link ScalingSignalsReader}. */
export interface ScalingSignalsReaderOptions {
  /** Connection the counts are read on; not closed by `close()`. */
  connection: RedisClient;
  /** Queue names of the deployment. */
  names: QueueNames;
  /** The shards whose queues are read, summed. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** Newest completed jobs per queue whose run time is sampled. Default: 20. */
  runSampleSize?: number;
}

/**
 * Reads what the autoscaler needs from BullMQ queues: counts by state, jobs finished in a
 * time window (scores of the completed and failed sets are finish times, so retention
 * trimming does not hide recent ones), and run times of the newest completed jobs.
 */
export class ScalingSignalsReader {
  private readonly queues = new Map<string, Queue>();
  private closing?: Promise<void>;

  constructor(private readonly options: ScalingSignalsReaderOptions) {}

  /** Reads `queues` together; `sinceMs` bounds `finishedSince`. */
  async read(queues: readonly string[], sinceMs: number): Promise<QueueSample> {
    const atMs = Date.now();
    const prefixes = this.options.shards?.all.map((s) => s.prefix) ?? [this.options.names.prefix];
    const parts = await Promise.all(
      prefixes.flatMap((prefix) => queues.map((name) => this.readOne(name, prefix, sinceMs))),
    );
    return parts.reduce<QueueSample>(
      (sum, p) => ({
        atMs,
        inSystem: sum.inSystem + p.inSystem,
        backlog: sum.backlog + p.backlog,
        finishedSince: sum.finishedSince + p.finishedSince,
        runSeconds: [...sum.runSeconds, ...p.runSeconds],
      }),
      { atMs, inSystem: 0, backlog: 0, finishedSince: 0, runSeconds: [] },
    );
  }

  /** Closes the queue handles it opened (not the connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.queues.values()].map((q) => q.close())).then(
      () => undefined,
    );
    return this.closing;
  }

  private async readOne(
    name: string,
    prefix: string,
    sinceMs: number,
  ): Promise<Omit<QueueSample, 'atMs'>> {
    const queue = this.queue(name, prefix);
    const size = this.options.runSampleSize ?? 20;
    const [counts, completed, failed, newest] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active'),
      this.options.connection.zcount(queue.keys.completed ?? '', `(${sinceMs}`, '+inf'),
      this.options.connection.zcount(queue.keys.failed ?? '', `(${sinceMs}`, '+inf'),
      queue.getCompleted(0, size - 1),
    ]);
    const backlog = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    const runSeconds = newest.flatMap((job) =>
      job.processedOn && job.finishedOn ? [(job.finishedOn - job.processedOn) / 1000] : [],
    );
    return {
      inSystem: backlog + (counts.delayed ?? 0) + (counts.active ?? 0),
      backlog,
      finishedSince: completed + failed,
      runSeconds,
    };
  }

  private queue(name: string, prefix: string): Queue {
    const key = `${prefix}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(name, { connection: this.options.connection, prefix });
      queue.on('error', () => undefined);
      this.queues.set(key, queue);
    }
    return queue;
  }
}
