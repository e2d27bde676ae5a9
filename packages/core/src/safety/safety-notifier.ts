import { createHmac } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { AppConfig } from '../config/load-config';
import { NotFoundError } from '../errors/not-found-error';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';
import type { TaskJobData } from '../tasks/task';
import { stepTaskId } from '../queues/step-task-id';
import type { SafetyEvent } from './safety-event';
import type { SafetyEventType } from '@tta/contracts';
import type { SafetyEventStore } from './safety-event-store';
import type { SafetyMetrics } from './safety-metrics';

/** The queue of webhook deliveries and re-notifications, on the control shard. */
export const SAFETY_WEBHOOK_QUEUE = 'safety-webhooks';

/** The header that carries a delivery's signature. */
export const SIGNATURE_HEADER = 'X-TTA-Signature';

/** Events that reach reviewers by webhook, and again while nobody acknowledges them. */
const ESCALATED: ReadonlySet<SafetyEventType> = new Set(['crisis', 'screen_unavailable']);

/** The settings of escalation: config `safety.webhooks` and `safety.events.renotifyAfterMs`. */
export interface SafetyEscalationConfig {
  webhooks: AppConfig['safety']['webhooks'];
  renotifyAfterMs: number;
}

/** The escalation settings of config `safety`. */
export function escalationConfigOf(
  config: Pick<AppConfig['safety'], 'webhooks' | 'events'>,
): SafetyEscalationConfig {
  return { webhooks: config.webhooks, renotifyAfterMs: config.events.renotifyAfterMs };
}

/** What a delivery or re-notification job's `input` holds: never a URL (it may hold a token). */
interface EscalationInput {
  eventId: string;
  /** 0 for the first notification, then 1, 2... for each re-notification. */
  notification: number;
  /** The index of the URL in `safety.webhooks.urls`, for deliveries. */
  target?: number;
  /** The URL's host, for people reading the dead-letter queue. */
  host?: string;
}

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`: what a receiver recomputes with
 * the shared secret to check that a delivery is authentic and recent.
 */
export function signWebhook(secret: string, rawBody: string, unixSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

/**
 * Brings safety events to people: for each crisis and `screen_unavailable` event, one delivery
 * job per configured webhook URL (retried with exponential backoff, dead-lettered after the
 * last attempt) and a delayed re-notification that delivers again while the event stays open.
 * Job ids derive from the event, the notification and the URL, so notifying twice adds nothing.
 */
export class SafetyNotifications {
  private readonly queue: Queue<TaskJobData>;

  constructor(
    connection: RedisClient,
    names: QueueNames,
    private readonly config: SafetyEscalationConfig,
  ) {
    this.queue = new Queue<TaskJobData>(SAFETY_WEBHOOK_QUEUE, { connection, prefix: names.prefix });
    this.queue.on('error', () => undefined);
  }

  /** Whether events of `type` are escalated. */
  static escalates(type: SafetyEventType): boolean {
    return ESCALATED.has(type);
  }

  /** Adds the deliveries of notification `notification` of `event`, and the next re-notification. */
  async notify(event: SafetyEvent, notification = 0): Promise<void> {
    if (!ESCALATED.has(event.type)) return;
    const { webhooks, renotifyAfterMs } = this.config;
    const jobs = webhooks.urls.map((url, target) =>
      this.job(
        'deliver',
        { eventId: event.id, notification, target, host: new URL(url).host },
        {
          attempts: webhooks.attempts,
          backoff: { type: 'exponential', delay: webhooks.backoffMs },
        },
      ),
    );
    jobs.push(
      this.job(
        'renotify',
        { eventId: event.id, notification: notification + 1 },
        {
          delay: renotifyAfterMs,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
        },
      ),
    );
    await this.queue.addBulk(jobs);
  }

  /** Closes the queue. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private job(
    name: 'deliver' | 'renotify',
    input: EscalationInput,
    opts: JobsOptions,
  ): { name: string; data: TaskJobData; opts: JobsOptions } {
    const part = `${name}:${input.notification}:${input.target ?? ''}`;
    return {
      name,
      data: {
        capability: `safety.${name}`,
        input: { ...input },
        timeoutMs: this.config.webhooks.timeoutMs,
        enqueuedAt: Date.now(),
      },
      opts: {
        ...opts,
        jobId: stepTaskId(SAFETY_WEBHOOK_QUEUE, input.eventId, part),
        removeOnComplete: { age: 7 * 86_400 },
        removeOnFail: false,
      },
    };
  }
}

/** Options of {@link SafetyWebhookWorker}. */
export interface SafetyWebhookWorkerOptions {
  /** A worker-role connection (`maxRetriesPerRequest: null`); not closed by the worker. */
  connection: RedisClient;
  names: QueueNames;
  store: SafetyEventStore;
  notifications: SafetyNotifications;
  config: SafetyEscalationConfig;
  metrics: SafetyMetrics;
  logger: Logger;
  /** Deliveries sent at once. Default: 16. */
  concurrency?: number;
}

/**
 * Sends the deliveries and re-notifications of {@link SafetyNotifications}: a delivery POSTs
 * `{ type: 'safety.event', notification, event }` with its {@link signWebhook} signature and
 * fails on anything but a 2xx answer (BullMQ retries it); a re-notification of an event still
 * open counts it and notifies again.
 */
export class SafetyWebhookWorker {
  private worker?: Worker<TaskJobData>;

  constructor(private readonly options: SafetyWebhookWorkerOptions) {}

  /** Starts consuming. */
  async start(): Promise<void> {
    const o = this.options;
    const worker = new Worker<TaskJobData>(SAFETY_WEBHOOK_QUEUE, (job) => this.process(job), {
      connection: o.connection,
      prefix: o.names.prefix,
      concurrency: o.concurrency ?? 16,
    });
    worker.on('error', (err) =>
      o.logger.warn('safety webhook worker error', { error: err.message }),
    );
    worker.on('failed', (job, err) => {
      // By capability, not job name: a delivery retried from the dead-letter queue is named after it.
      if (job?.data.capability !== 'safety.deliver') return;
      const input = job.data.input as unknown as EscalationInput;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1);
      o.metrics.delivery(final ? 'dead_lettered' : 'failed');
      o.logger.warn('safety webhook delivery failed', {
        eventId: input.eventId,
        host: input.host,
        attempt: job.attemptsMade,
        final,
        error: err.message,
      });
    });
    this.worker = worker;
    await worker.waitUntilReady();
  }

  /** Stops consuming. Safe to call twice. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }

  private async process(job: Job<TaskJobData>): Promise<void> {
    const input = job.data.input as unknown as EscalationInput;
    let event: SafetyEvent;
    try {
      event = await this.options.store.get(input.eventId);
    } catch (err) {
      if (err instanceof NotFoundError) throw new UnrecoverableError('the safety event is gone');
      throw err;
    }
    if (job.data.capability === 'safety.renotify') {
      if (event.status !== 'open' || !(await this.options.store.notified(event.id))) return;
      this.options.logger.warn('safety event still unacknowledged: notifying again', {
        eventId: event.id,
        notification: input.notification,
      });
      await this.options.notifications.notify(event, input.notification);
      return;
    }
    await this.deliver(event, input);
  }

  private async deliver(event: SafetyEvent, input: EscalationInput): Promise<void> {
    const { urls, secret, timeoutMs } = this.options.config.webhooks;
    const url = urls[input.target ?? -1];
    if (url === undefined) throw new UnrecoverableError('the webhook is no longer configured');
    const body = JSON.stringify({ type: 'safety.event', notification: input.notification, event });
    const signature = signWebhook(secret, body, Math.floor(Date.now() / 1000));
    let status: number;
    try {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      status = answer.status;
      await answer.body?.cancel();
    } catch (err) {
      throw new Error(`webhook ${input.host ?? ''} unreachable: ${toError(err).message}`);
    }
    if (status < 200 || status >= 300)
      throw new Error(`webhook ${input.host ?? ''} answered ${status}`);
    this.options.metrics.delivery('delivered');
  }
}
