import { QUEUE_JOB_STATES, type QueueJobState } from '@tta/contracts';
import { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import { reuseMetric } from '../telemetry/metrics';
import type { QueueNames } from './queue-names';
import { QueueShards } from './queue-shards';
import { SharedRead } from '../redis/shared-read';
import type { RedisClient } from '../redis/redis-connection';

/** Number of jobs in each state of one queue. */
export type QueueJobCounts = Record<QueueJobState, number>;

/** Options of {@link QueueDepths}. */
export interface QueueDepthsOptions {
  /** The connection the counts are read on; not closed by {@link QueueDepths.close}. */
  connection: RedisClient;
  /** Queue names of the deployment (its control shard). */
  names: QueueNames;
  /** The shards whose queues are counted: each queue's counts are summed over them. Default: the one shard of `names`. */
  shards?: QueueShards;
  /**
   * The task queues to count: every capability's generic queue and its known pools, e.g.
   * `() => router.refreshQueues()`. The `workflow` and `dead-letter` queues are always counted.
   */
  queues: () => Promise<readonly string[]> | readonly string[];
  /** Longest a read may take; a scrape then shows no queue depths. Default: 2000 ms. */
  timeoutMs?: number;
  /** Told when a scrape could not read the depths. Default: none. */
  logger?: Logger;
}

/**
 * Reads the job counts of every queue of the deployment (BullMQ `getJobCounts`, all queues of
 * every shard in parallel on one connection, summed over the shards; reads asked for at the
 * same time are shared), and exports them as the gauge `tta_queue_jobs{queue,state}`, read on
 * each scrape. It keeps a handle per queue listed, closing those of queues no longer listed.
 */
export class QueueDepths {
  private readonly queues = new Map<string, Queue>();
  private readonly shards: QueueShards;
  private readonly reads: SharedRead<Record<string, QueueJobCounts>>;
  private closing?: Promise<void>;

  constructor(private readonly options: QueueDepthsOptions) {
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
    this.reads = new SharedRead(() => this.readAll(), {
      what: 'queue depths',
      ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    });
  }

  /** Job counts by state of every queue, by queue name. */
  read(): Promise<Record<string, QueueJobCounts>> {
    return this.reads.get();
  }

  /**
   * Jobs of `queues` that no worker has started (waiting, paused, prioritized, delayed), summed
   * over the shards, by queue. Its commands are sent at once, when it is called (no look-up
   * first), so that a caller knows which writes on the same connection it includes: those sent
   * before the call.
   */
  async countNotStarted(queues: readonly string[]): Promise<Map<string, number>> {
    const redis = this.options.connection;
    const counts = queues.map((name) =>
      this.shards.all.flatMap((shard) => {
        const key = (type: string) => `${shard.prefix}:${name}:${type}`;
        return [
          redis.llen(key('wait')),
          redis.llen(key('paused')),
          redis.zcard(key('prioritized')),
          redis.zcard(key('delayed')),
        ];
      }),
    );
    const totals = await Promise.all(
      counts.map(async (c) => (await Promise.all(c)).reduce((a, b) => a + b, 0)),
    );
    return new Map(queues.map((name, i) => [name, totals[i] ?? 0]));
  }

  /** Registers `tta_queue_jobs{queue,state}` in `registry`, read from Redis on each scrape. */
  exportTo(registry: Registry): void {
    const readForScrape = () => this.readForScrape();
    reuseMetric(
      registry,
      'tta_queue_jobs',
      () =>
        new Gauge({
          name: 'tta_queue_jobs',
          help: 'Jobs in each queue (capability queues with their pools, workflow, dead-letter) by state, read from Redis on scrape',
          labelNames: ['queue', 'state'],
          registers: [registry],
          async collect() {
            this.reset();
            const counts = await readForScrape();
            for (const [queue, byState] of Object.entries(counts)) {
              for (const state of QUEUE_JOB_STATES) this.set({ queue, state }, byState[state]);
            }
          },
        }),
    );
  }

  /** Closes the queue handles it opened (not the connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.queues.values()].map((q) => q.close())).then(
      () => undefined,
    );
    return this.closing;
  }

  // A scrape still shows the process's other metrics when Redis does not answer.
  private async readForScrape(): Promise<Record<string, QueueJobCounts>> {
    try {
      return await this.read();
    } catch (err) {
      this.options.logger?.warn('metrics: queue depths not read', {
        error: toError(err).message,
      });
      return {};
    }
  }

  private async readAll(): Promise<Record<string, QueueJobCounts>> {
    const { workflow, deadLetter } = this.options.names;
    const queues = [...new Set([...(await this.options.queues()), workflow, deadLetter])];
    await this.closeOthers(queues);
    const counts = await Promise.all(
      queues.map((name) =>
        Promise.all(
          this.shards.all.map((shard) => this.queue(name, shard).getJobCounts(...QUEUE_JOB_STATES)),
        ),
      ),
    );
    return Object.fromEntries(queues.map((name, i) => [name, countsOf(counts[i] ?? [])]));
  }

  // Handles of queues no longer listed (a pool forgotten since) are closed, so they stay as few
  // as the queues listed.
  private async closeOthers(queues: readonly string[]): Promise<void> {
    const wanted = new Set(this.shards.all.flatMap((s) => queues.map((q) => `${s.prefix}:${q}`)));
    const others = [...this.queues].filter(([key]) => !wanted.has(key));
    for (const [key] of others) this.queues.delete(key);
    await Promise.allSettled(others.map(([, queue]) => queue.close()));
  }

  private queue(name: string, shard: QueueNames): Queue {
    const key = `${shard.prefix}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(name, { connection: this.options.connection, prefix: shard.prefix });
      queue.on('error', () => undefined);
      this.queues.set(key, queue);
    }
    return queue;
  }
}

// The counts of one queue summed over its shards.
function countsOf(raw: Array<Record<string, number>>): QueueJobCounts {
  return Object.fromEntries(
    QUEUE_JOB_STATES.map((state) => [state, raw.reduce((sum, r) => sum + (r[state] ?? 0), 0)]),
  ) as QueueJobCounts;
}
