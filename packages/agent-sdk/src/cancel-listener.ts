import {
  closeRedis,
  QueueShards,
  TaskTombstones,
  toError,
  type Logger,
  type QueueNames,
  type RedisClient,
} from '@tta/core';

/** Options of {@link CancelListener}. */
export interface CancelListenerOptions {
  /**
   * A worker-role connection (`maxRetriesPerRequest: null`). The listener subscribes on a
   * duplicate of it, which it closes; it reads tombstones on this one, which it does not close.
   */
  connection: RedisClient;
  /** Key and channel names of the deployment (its control shard). */
  names: QueueNames;
  /**
   * The shards whose cancel channels are heard; a task's tombstone is looked for on the shard
   * its id names. Default: the one shard of `names`.
   */
  shards?: QueueShards;
  /** Receives subscription and check failures. */
  logger: Logger;
  /** Ids of the tasks running in this process now. */
  running: () => Iterable<string>;
  /** Aborts a task of this process that was cancelled; called with ids that may not run here. */
  onCancel: (taskId: string) => void;
}

/**
 * Hears about cancelled tasks: a dedicated subscriber on the cancel channel of every shard
 * delivers the id of a task the moment it is cancelled, and {@link CancelListener.check} (run
 * once per heartbeat) looks for tombstones of the running tasks, in case a message was missed
 * (subscriber reconnecting, task started just after its message).
 */
export class CancelListener {
  private readonly shards: QueueShards;
  /** By shard index. */
  private readonly tombstones: TaskTombstones[];
  private subscriber?: RedisClient;
  private closing?: Promise<void>;

  constructor(private readonly options: CancelListenerOptions) {
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
    this.tombstones = this.shards.all.map(
      (names) => new TaskTombstones(options.connection, { names }),
    );
  }

  /** Subscribes to the cancel channels; resolves once the subscription is confirmed. */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.options.connection.duplicate();
    this.subscriber = subscriber;
    const channels = new Set(this.tombstones.map((t) => t.channel));
    subscriber.on('error', (err: Error) =>
      this.options.logger.warn('cancel subscriber error', { error: err.message }),
    );
    subscriber.on('message', (channel: string, taskId: string) => {
      if (channels.has(channel)) this.options.onCancel(taskId);
    });
    await subscriber.subscribe(...channels);
  }

  /** Cancels every running task that has a tombstone, in one round trip per shard. Never throws. */
  async check(): Promise<void> {
    const running = [...this.options.running()];
    if (running.length === 0) return;
    const byShard = new Map<number, string[]>();
    for (const id of running) {
      const shard = (this.shards.forId(id) ?? this.shards.control).shard;
      byShard.set(shard, [...(byShard.get(shard) ?? []), id]);
    }
    try {
      const cancelled = await Promise.all(
        [...byShard].map(([shard, ids]) =>
          (this.tombstones[shard] as TaskTombstones).cancelledAmong(ids),
        ),
      );
      for (const taskId of cancelled.flat()) this.options.onCancel(taskId);
    } catch (err) {
      this.options.logger.warn('cancellation check failed', { error: toError(err).message });
    }
  }

  /** Closes the subscriber connection. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.subscriber ? closeRedis(this.subscriber) : Promise.resolve();
    return this.closing;
  }
}
