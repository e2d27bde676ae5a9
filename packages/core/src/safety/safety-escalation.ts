import type { Registry } from 'prom-client';
import type { AppConfig } from '../config/load-config';
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
}

/**
 * The supervisor's part of bringing safety events to people: sends webhook deliveries and
 * re-notifications ({@link SafetyWebhookWorker}) and publishes the open events gauge. Every
 * supervisor runs one (deliveries are competing jobs). Events past their retention are removed
 * by the leading supervisor's retention sweep.
 */
export class SafetyEscalation {
  readonly store: SafetyEventStore;
  private readonly notifications: SafetyNotifications;
  private readonly worker: SafetyWebhookWorker;
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

  /** Starts delivering. */
  async start(): Promise<void> {
    await this.worker.start();
  }

  /** Stops. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([this.worker.close(), this.notifications.close()]);
    })();
    return this.closing;
  }
}
