import type { Registry } from 'prom-client';
import type { AppConfig } from '../config/load-config';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import { SafetyEventStore } from './safety-event-store';
import { SafetyMetrics } from './safety-metrics';
import { escalationConfigOf, SafetyNotifications, SafetyWebhookWorker } from './safety-notifier';

/** Options of {@link SafetyEscalation}. */
export interface SafetyEscalationOptions {
  /** A worker-role connection (`maxRetriesPerRequest: null`); not closed. */
  connection: RedisClient;
  /** The control shard. */
  names: QueueNames;
  /** Config `safety`. */
  config: AppConfig['safety'];
  logger: Logger;
  /** Where the delivery and open-event metrics go. Default: none. */
  metrics?: Registry;
  /** How often events past their retention leave the review queue. Default: 3,600,000 ms. */
  sweepIntervalMs?: number;
}

/**
 * The supervisor's part of bringing safety events to people: sends webhook deliveries and
 * re-notifications ({@link SafetyWebhookWorker}), publishes the open events gauge, and removes
 * events past their retention. Every supervisor runs one (deliveries are competing jobs).
 */
export class SafetyEscalation {
  readonly store: SafetyEventStore;
  private readonly notifications: SafetyNotifications;
  private readonly worker: SafetyWebhookWorker;
  private timer?: NodeJS.Timeout;
  private closing?: Promise<void>;

  constructor(private readonly options: SafetyEscalationOptions) {
    const { connection, names, config, logger } = options;
    const metrics = new SafetyMetrics(options.metrics);
    this.store = SafetyEventStore.fromConfig(connection, names, config);
    const escalation = escalationConfigOf(config);
    this.notifications = new SafetyNotifications(connection, names, escalation);
    this.worker = new SafetyWebhookWorker({
      connection,
      names,
      store: this.store,
      notifications: this.notifications,
      config: escalation,
      metrics,
      logger,
    });
    metrics.watchOpen(() => this.store.openCounts());
  }

  /** Starts delivering and sweeping. */
  async start(): Promise<void> {
    await this.worker.start();
    this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? 3_600_000);
    this.timer.unref();
    void this.sweep();
  }

  /** Stops. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await Promise.allSettled([this.worker.close(), this.notifications.close()]);
    })();
    return this.closing;
  }

  private async sweep(): Promise<void> {
    try {
      const removed = await this.store.sweep();
      if (removed > 0)
        this.options.logger.info('safety events past retention removed', { removed });
    } catch (err) {
      this.options.logger.warn('safety event sweep failed', { error: toError(err).message });
    }
  }
}
