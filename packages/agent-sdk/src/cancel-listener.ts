import { closeRedis, TaskTombstones, toError, type Logger, type QueueNames } from '@tta/core';
import type { Redis } from 'ioredis';

/** Options of {@link CancelListener}. */
export interface CancelListenerOptions {
  /**
   * A worker-role connection (`maxRetriesPerRequest: null`). The listener subscribes on a
   * duplicate of it, which it closes; it reads tombstones on this one, which it does not close.
   */
  connection: Redis;
  /** Key and channel names of the deployment. */
  names: QueueNames;
  /** Receives subscription and check failures. */
  logger: Logger;
  /** Ids of the tasks running in this process now. */
  running: () => Iterable<string>;
  /** Aborts a task of this process that was cancelled; called with ids that may not run here. */
  onCancel: (taskId: string) => void;
}

/**
 * Hears about cancelled tasks: a dedicated subscriber on the cancel channel delivers the id
 * of a task the moment it is cancelled, and {@link CancelListener.check} (run once per
 * heartbeat) looks for tombstones of the running tasks, in case a message was missed
 * (subscriber reconnecting, task started just after its message).
 */
export class CancelListener {
  private readonly tombstones: TaskTombstones;
  private subscriber?: Redis;
  private closing?: Promise<void>;

  constructor(private readonly options: CancelListenerOptions) {
    this.tombstones = new TaskTombstones(options.connection, { names: options.names });
  }

  /** Subscribes to the cancel channel; resolves once the subscription is confirmed. */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.options.connection.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) =>
      this.options.logger.warn('cancel subscriber error', { error: err.message }),
    );
    subscriber.on('message', (channel: string, taskId: string) => {
      if (channel === this.tombstones.channel) this.options.onCancel(taskId);
    });
    await subscriber.subscribe(this.tombstones.channel);
  }

  /** Cancels every running task that has a tombstone, in one round trip. Never throws. */
  async check(): Promise<void> {
    const running = [...this.options.running()];
    if (running.length === 0) return;
    try {
      const cancelled = await this.tombstones.cancelledAmong(running);
      for (const taskId of cancelled) this.options.onCancel(taskId);
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
