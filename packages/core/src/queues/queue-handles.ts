import { Queue } from 'bullmq';
import type { RedisClient } from '../redis/redis-connection';
import type { QueueNames } from './queue-names';

/**
 * BullMQ `Queue` handles on one shared connection: one per shard and queue name, created on
 * first use, closed together. Closing them leaves the connection open (its owner closes it).
 */
export class QueueHandles {
  private readonly queues = new Map<string, Queue>();

  /**
   * @param connection - the connection every handle uses.
   * @param onError - receives the errors a handle emits (a handle without a listener would
   *   throw them). Default: ignored.
   */
  constructor(
    private readonly connection: RedisClient,
    private readonly onError: (queue: string, err: Error) => void = () => undefined,
  ) {}

  /** The handle of queue `name` on `shard`. */
  get(name: string, shard: QueueNames): Queue {
    const key = `${shard.prefix}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: shard.prefix });
      queue.on('error', (err) => this.onError(name, err));
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** Closes every handle opened so far; a failure to close one does not stop the others. */
  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.allSettled(queues.map((queue) => queue.close()));
  }
}
