import { Counter, type Registry } from 'prom-client';
import { CapacityError } from '../errors/capacity-error';
import { WaitingLimitError, type WaitingLimitScope } from '../errors/waiting-limit-error';
import type { QueueDepths } from '../queues/queue-depths';
import { reuseMetric } from '../telemetry/metrics';
import { BacklogCounts } from './backlog-counts';
import type { OwnerBacklog } from './owner-backlog';
import type { RedisMemory } from './redis-memory';

/** Options of {@link AdmissionControl}. */
export interface AdmissionControlOptions {
  /** Redis's memory, read every second: above its high watermark new work is refused. Default: not watched. */
  memory?: RedisMemory;
  /** The job counts of every queue (the API's, shared with `/metrics`). Default: queues not limited. */
  depths?: QueueDepths;
  /** The waiting tasks of each owner, in Redis. Default: owners not limited. */
  backlog?: OwnerBacklog;
  /** Most tasks a queue may hold that no agent has started. Default: 100,000. */
  maxWaitingPerQueue?: number;
  /** Most tasks an owner may have that no agent has started. Default: 50,000. */
  maxWaitingPerOwner?: number;
  /** Age from which the counts are read again. Default: 250 ms. */
  refreshMs?: number;
  /** `Retry-After` of a refusal, in seconds. Default: 5. */
  retryAfterSeconds?: number;
  /** Where `tta_admission_refused_total` goes. Default: nowhere. */
  metrics?: Registry;
}

/** A task about to be stored: its id and its queue. */
export interface AdmittedTask {
  id: string;
  queue: string;
}

/**
 * Decides whether the API takes new work, without a Redis round trip on the way in: refuses it
 * while Redis is short of memory ({@link CapacityError}, 503 `capacity`), and refuses tasks that
 * would pass the limit of waiting tasks of their queue or of their owner
 * ({@link WaitingLimitError}, 429), a batch whole. Queue depths and owner counts are read at
 * most every `refreshMs`, plus the tasks this instance admitted since (see {@link BacklogCounts}).
 */
export class AdmissionControl {
  private readonly queueCounts?: BacklogCounts;
  private readonly ownerCounts?: BacklogCounts;
  private readonly maxPerQueue: number;
  private readonly maxPerOwner: number;
  private readonly retryAfterSeconds: number;
  private readonly refused?: Counter<'reason'>;

  constructor(private readonly options: AdmissionControlOptions = {}) {
    this.maxPerQueue = options.maxWaitingPerQueue ?? 100_000;
    this.maxPerOwner = options.maxWaitingPerOwner ?? 50_000;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
    const refreshMs = options.refreshMs ?? 250;
    const { depths, backlog, metrics } = options;
    if (depths) {
      this.queueCounts = new BacklogCounts({
        refreshMs,
        read: (queues) => depths.countNotStarted(queues),
      });
    }
    if (backlog) {
      this.ownerCounts = new BacklogCounts({ refreshMs, read: (owners) => backlog.counts(owners) });
    }
    if (metrics) {
      this.refused = reuseMetric(
        metrics,
        'tta_admission_refused_total',
        () =>
          new Counter({
            name: 'tta_admission_refused_total',
            help: 'Requests for new work refused by admission control, by reason (capacity, queue_full, owner_backlog_full)',
            labelNames: ['reason'],
            registers: [metrics],
          }),
      );
      // Every reason shows from the start, at 0: a rate over it works before the first refusal.
      for (const reason of ['capacity', 'queue_full', 'owner_backlog_full']) {
        this.refused.inc({ reason }, 0);
      }
    }
  }

  /** Whether Redis is above the high watermark of its memory: new work is refused. */
  get underPressure(): boolean {
    return this.options.memory?.underPressure ?? false;
  }

  /** The error that refuses new work for capacity, counted as a refusal. */
  capacityError(): CapacityError {
    this.refused?.inc({ reason: 'capacity' });
    return new CapacityError({
      retryAfterSeconds: this.retryAfterSeconds,
      memoryRatio: this.options.memory?.ratio ?? 0,
    });
  }

  /** Throws {@link CapacityError} while Redis is short of memory. */
  assertCapacity(): void {
    if (this.underPressure) throw this.capacityError();
  }

  /**
   * Throws {@link WaitingLimitError} when `tasks` would take their queue, or `owner`, past its
   * limit of waiting tasks; nothing is counted then. Decides at once (no promise) while the
   * counts are fresh enough; returns a promise only when one must be read first.
   */
  admit(owner: string | undefined, tasks: readonly AdmittedTask[]): Promise<void> | undefined {
    if (tasks.length === 0) return undefined;
    const queues = [...new Set(tasks.map((t) => t.queue))];
    const known = this.knownCounts(owner, queues);
    if (known && !this.wouldRefuse(owner, tasks, known)) return undefined;
    // A refusal is decided on counts read since `refreshMs` (tasks may have started meanwhile).
    return (async () => {
      const fresh = known !== undefined;
      const [byQueue, byOwner] = await Promise.all([
        this.queueCounts?.get(queues, fresh),
        owner === undefined ? undefined : this.ownerCounts?.get([owner], fresh),
      ]);
      const ownerCount = owner === undefined ? undefined : byOwner?.get(owner);
      this.check(owner, tasks, { ...(byQueue && { queues: byQueue }), owner: ownerCount });
    })();
  }

  /**
   * Counts `tasks`, whose jobs were just stored, in this instance's counts and in their owner's
   * backlog in Redis with the others of this event-loop turn (see {@link OwnerBacklog.count}),
   * and reads the counts of their queues and owner again if they are older than `refreshMs`,
   * in an order that never counts a task twice.
   */
  stored(owner: string | undefined, tasks: readonly AdmittedTask[]): void {
    if (tasks.length === 0) return;
    // The jobs are in Redis: a queue's read sent now counts them. Their ids go to the owner's
    // backlog after this turn: an owner's read sent now does not.
    for (const { queue } of tasks) this.queueCounts?.add(queue, 1);
    this.queueCounts?.refreshStale([...new Set(tasks.map((t) => t.queue))]);
    if (owner === undefined || !this.options.backlog) return;
    this.ownerCounts?.refreshStale([owner]);
    this.ownerCounts?.add(owner, tasks.length);
    this.options.backlog.count(
      owner,
      tasks.map((t) => t.id),
    );
  }

  // The counts the decision needs, when every one is known without waiting.
  private knownCounts(
    owner: string | undefined,
    queues: readonly string[],
  ): { queues?: Map<string, number>; owner?: number } | undefined {
    let byQueue: Map<string, number> | undefined;
    if (this.queueCounts) {
      byQueue = new Map();
      for (const queue of queues) {
        const count = this.queueCounts.peek(queue);
        if (count === undefined) return undefined;
        byQueue.set(queue, count);
      }
    }
    if (owner === undefined || !this.ownerCounts) return { ...(byQueue && { queues: byQueue }) };
    const count = this.ownerCounts.peek(owner);
    if (count === undefined) return undefined;
    return { ...(byQueue && { queues: byQueue }), owner: count };
  }

  private wouldRefuse(
    owner: string | undefined,
    tasks: readonly AdmittedTask[],
    counts: { queues?: ReadonlyMap<string, number>; owner?: number | undefined },
  ): boolean {
    try {
      this.check(owner, tasks, counts, false);
      return false;
    } catch (err) {
      if (err instanceof WaitingLimitError) return true;
      throw err;
    }
  }

  private check(
    owner: string | undefined,
    tasks: readonly AdmittedTask[],
    counts: { queues?: ReadonlyMap<string, number>; owner?: number | undefined },
    countRefusal = true,
  ): void {
    const requested = new Map<string, number>();
    for (const { queue } of tasks) requested.set(queue, (requested.get(queue) ?? 0) + 1);
    for (const [queue, n] of requested) {
      const waiting = counts.queues?.get(queue) ?? 0;
      if (waiting + n > this.maxPerQueue) {
        throw this.overLimit('queue', this.maxPerQueue, waiting, n, queue, countRefusal);
      }
    }
    const waiting = owner === undefined ? 0 : (counts.owner ?? 0);
    if (waiting + tasks.length > this.maxPerOwner) {
      throw this.overLimit(
        'owner',
        this.maxPerOwner,
        waiting,
        tasks.length,
        undefined,
        countRefusal,
      );
    }
  }

  private overLimit(
    scope: WaitingLimitScope,
    limit: number,
    waiting: number,
    requested: number,
    queue: string | undefined,
    countRefusal: boolean,
  ): WaitingLimitError {
    const error = new WaitingLimitError({
      scope,
      ...(queue !== undefined && { queue }),
      limit,
      waiting,
      requested,
      retryAfterSeconds: this.retryAfterSeconds,
    });
    if (countRefusal) this.refused?.inc({ reason: error.code });
    return error;
  }
}
