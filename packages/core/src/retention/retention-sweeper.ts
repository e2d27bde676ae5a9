import { EventEmitter } from 'node:events';
import { Counter, type Registry } from 'prom-client';
import { toError } from '../errors/to-error';
import { QueueHandles } from '../queues/queue-handles';
import type { QueueNames } from '../queues/queue-names';
import type { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';
import { SafetyEventStore } from '../safety/safety-event-store';
import { DeadLetterQueue } from '../tasks/dead-letter-queue';
import type { Logger } from '../telemetry/logger';
import { reuseMetric } from '../telemetry/metrics';
import { RETENTION_CLASSES, type RetentionAges, type RetentionClass } from './retention-ages';
import { retentionCutoffs, type RetentionCutoffs } from './retention-plan';
import { removeExpiredCostBuckets, removeIdleWorlds, trimStreamBefore } from './retention-removals';

/** Options of {@link RetentionSweeper}. */
export interface RetentionSweeperOptions {
  /** The connection of every command of a sweep; not closed by `close()`. */
  connection: RedisClient;
  /**
   * The shards of the deployment: the queues and worlds of every one are swept; the cost
   * ledger, safety events and audit trail live on the control shard.
   */
  shards: QueueShards;
  /** How long the data of each class is kept, in ms (`retentionAgesOf(config)`). */
  ages: RetentionAges;
  /**
   * The queues swept on every shard besides `workflow` and `dead-letter`, which always are:
   * the task queues of every capability and pool (e.g. `TaskRouter.refreshQueues`), and any
   * other queue of the deployment. Called at every sweep, so that pools added later are swept.
   */
  queues: () => readonly string[] | Promise<readonly string[]>;
  logger: Logger;
  /** Where `tta_retention_removed_total{class}` goes. Default: none. */
  metrics?: Registry;
  /** Time between sweeps. Default: 60,000 ms. */
  intervalMs?: number;
  /**
   * Most entries one sweep removes per class and queue (or store) and shard; the rest go at
   * the next sweep. Default: 1000.
   */
  batchSize?: number;
}

/** {@link RetentionSweeperOptions} with their defaults filled in. */
export interface ResolvedRetentionSweeperOptions extends RetentionSweeperOptions {
  intervalMs: number;
  batchSize: number;
}

/** Fills the defaults of {@link RetentionSweeperOptions}; throws at once on a bad value. */
export function resolveRetentionSweeperOptions(
  options: RetentionSweeperOptions,
): ResolvedRetentionSweeperOptions {
  const resolved = {
    ...options,
    intervalMs: options.intervalMs ?? 60_000,
    batchSize: options.batchSize ?? 1000,
  };
  const positive = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`RetentionSweeper: ${name} must be a positive integer, got ${value}`);
    }
  };
  positive('intervalMs', resolved.intervalMs);
  positive('batchSize', resolved.batchSize);
  for (const name of RETENTION_CLASSES) positive(`ages.${name}`, resolved.ages[name]);
  return resolved;
}

/** What one sweep removed, per data class. */
export type RetentionReport = Record<RetentionClass, number>;

/** Events of {@link RetentionSweeper}. */
export interface RetentionSweeperEvents {
  /** A sweep ended; what it removed (zero everywhere when nothing was old enough). */
  swept: [report: RetentionReport];
}

/**
 * Removes the data of every class once it is older than its age, by time rather than by
 * traffic (BullMQ's own `removeOnComplete` age acts only when another job of the queue
 * finishes): every `intervalMs`, completed and failed jobs of every queue of every shard
 * (`Queue.clean`), the old entries of their event logs, dead-letter entries, the worlds of
 * idle sessions, expired cost buckets, safety events and the audit trail, at most `batchSize`
 * per class and place at a time. Runs between `start()` and `stop()` (the supervisor does that
 * while it leads). Every removal is idempotent, so two sweepers at once remove nothing twice.
 * Logs counts only, never what the data held.
 */
export class RetentionSweeper extends EventEmitter<RetentionSweeperEvents> {
  private readonly options: ResolvedRetentionSweeperOptions;
  private readonly deadLetters: DeadLetterQueue;
  private readonly safetyEvents: SafetyEventStore;
  private readonly queues: QueueHandles;
  private readonly removed?: Counter<'class'>;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<RetentionReport>;
  private closing?: Promise<void>;

  constructor(options: RetentionSweeperOptions) {
    super();
    this.options = resolveRetentionSweeperOptions(options);
    const { connection, shards, ages } = this.options;
    this.deadLetters = new DeadLetterQueue({
      connection,
      names: shards.control,
      shards,
      queues: () => [],
    });
    this.safetyEvents = new SafetyEventStore(connection, {
      names: shards.control,
      retentionMs: ages.safetyEvents,
    });
    this.queues = new QueueHandles(connection, (queue, err) =>
      this.options.logger.warn('retention sweep: queue error', { queue, error: err.message }),
    );
    if (options.metrics) this.removed = removedCounter(options.metrics);
  }

  /** Sweeps now, then every `intervalMs`, until `stop()`. */
  start(): Promise<void> {
    if (this.timer || this.closing) return Promise.resolve();
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs);
    void this.sweep();
    return Promise.resolve();
  }

  /** Stops sweeping, after the sweep under way. Safe to call twice. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** Stops, and closes the queue handles it opened. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.stop().then(async () => {
      await this.queues.close();
      await this.deadLetters.close();
    });
    return this.closing;
  }

  /**
   * Runs one sweep now (or joins the one under way) and answers what it removed. A class
   * whose removal fails is logged and left for the next sweep; the others go on.
   */
  sweep(): Promise<RetentionReport> {
    this.sweeping ??= this.sweepAll().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepAll(): Promise<RetentionReport> {
    const { connection, shards, batchSize: limit } = this.options;
    const now = Date.now();
    const cutoffs = retentionCutoffs(this.options.ages, now);
    const report = emptyReport();
    const count = async (name: RetentionClass, remove: () => Promise<number>) => {
      report[name] += await this.attempt(name, remove);
    };
    const queues = await this.queueNames();
    for (const shard of shards.all) {
      for (const name of queues) await this.sweepQueue(shard, name, cutoffs, count);
      await count('world', () => removeIdleWorlds(connection, shard, cutoffs.world, limit));
    }
    await count('deadLetter', () =>
      this.deadLetters.purgeExpired({ before: cutoffs.deadLetter, limit }),
    );
    await count('costs', () =>
      removeExpiredCostBuckets(connection, shards.control, cutoffs.costs, limit),
    );
    await count('safetyEvents', () => this.safetyEvents.sweep(now, limit));
    await count('audit', () =>
      trimStreamBefore(connection, this.safetyEvents.auditKey, cutoffs.audit, limit),
    );
    this.publish(report);
    return report;
  }

  private async sweepQueue(
    shard: QueueNames,
    name: string,
    cutoffs: RetentionCutoffs,
    count: (name: RetentionClass, remove: () => Promise<number>) => Promise<void>,
  ): Promise<void> {
    const queue = this.queues.get(name, shard);
    const { ages, batchSize: limit, connection } = this.options;
    // clean() takes a grace period: jobs that finished longer than it ago go.
    await count(
      'completed',
      async () => (await queue.clean(ages.completed, limit, 'completed')).length,
    );
    await count('failed', async () => (await queue.clean(ages.failed, limit, 'failed')).length);
    await count('jobEvents', () =>
      trimStreamBefore(connection, queue.toKey('events'), cutoffs.jobEvents, limit),
    );
  }

  private async attempt(name: RetentionClass, remove: () => Promise<number>): Promise<number> {
    try {
      return await remove();
    } catch (err) {
      this.options.logger.warn('retention sweep failed', {
        class: name,
        error: toError(err).message,
      });
      return 0;
    }
  }

  private async queueNames(): Promise<string[]> {
    const { shards } = this.options;
    const always = [shards.control.workflow, shards.control.deadLetter];
    try {
      return [...new Set([...(await this.options.queues()), ...always])];
    } catch (err) {
      this.options.logger.warn('retention sweep: queues not read', {
        error: toError(err).message,
      });
      return always;
    }
  }

  private publish(report: RetentionReport): void {
    for (const name of RETENTION_CLASSES) {
      if (report[name] > 0) this.removed?.inc({ class: name }, report[name]);
    }
    if (RETENTION_CLASSES.some((name) => report[name] > 0)) {
      this.options.logger.info('retention sweep removed old data', { removed: report });
    }
    this.emit('swept', report);
  }
}

function emptyReport(): RetentionReport {
  return Object.fromEntries(RETENTION_CLASSES.map((name) => [name, 0])) as RetentionReport;
}

// Every class starts at 0, so that a rate over the counter reads from the first scrape.
function removedCounter(registry: Registry): Counter<'class'> {
  return reuseMetric(registry, 'tta_retention_removed_total', () => {
    const counter = new Counter({
      name: 'tta_retention_removed_total',
      help: 'Entries removed by the retention sweep for being older than their class allows, by data class',
      labelNames: ['class'],
      registers: [registry],
    });
    for (const name of RETENTION_CLASSES) counter.inc({ class: name }, 0);
    return counter;
  });
}
