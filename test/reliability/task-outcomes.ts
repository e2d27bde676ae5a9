import { Queue, QueueEvents } from 'bullmq';
import { DeadLetterQueue, type DeadLetterEntry, type QueueNames } from '@tta/core';
import { waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

/** Where every accepted task of a test ended. */
export interface TaskOutcomes {
  accepted: number;
  completed: number;
  deadLettered: number;
  /** Accepted, but neither completed nor dead-lettered. */
  lost: number;
  /** Tasks that reached `completed` more than once (completed events of one job id). */
  completedTwice: number;
  /** Completed tasks whose completed event the test did not see (the event stream was trimmed). */
  completionsUnobserved: number;
  /** Dead-lettered tasks by the reason of their last failure. */
  deadLetterReasons: Record<string, number>;
  /** Dead-letter entries without a reason. */
  deadLetteredWithoutReason: number;
  /** Ids of the lost tasks (the first 20). */
  lostIds: string[];
  completedIds: Set<string>;
  deadLetteredIds: Set<string>;
}

/**
 * Follows the tasks of one capability queue: counts the completed events of each job id (from
 * the start, so that a job completing twice shows), then tells where every accepted task ended.
 */
export class TaskOutcomeTracker {
  readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly eventsRedis: Redis;
  private readonly deadLetters: DeadLetterQueue;
  private readonly completions = new Map<string, number>();
  private closing?: Promise<void>;

  constructor(redis: Redis, names: QueueNames, queueName: string) {
    this.queue = new Queue(queueName, { connection: redis, prefix: names.prefix });
    this.eventsRedis = redis.duplicate();
    this.events = new QueueEvents(queueName, {
      connection: this.eventsRedis,
      prefix: names.prefix,
    });
    this.events.on('completed', ({ jobId }) =>
      this.completions.set(jobId, (this.completions.get(jobId) ?? 0) + 1),
    );
    this.events.on('error', () => undefined);
    this.queue.on('error', () => undefined);
    this.deadLetters = new DeadLetterQueue({ connection: redis, names, queues: () => [] });
  }

  /** Resolves once the event listener reads the stream; start it before enqueueing. */
  async start(): Promise<void> {
    await this.events.waitUntilReady();
  }

  /** Completed plus dead-lettered tasks, and the jobs still in a non-final state of the queue. */
  async progress(): Promise<{ finished: number; pending: number; failed: number }> {
    const counts = await this.queue.getJobCounts(
      'completed',
      'failed',
      'active',
      'wait',
      'delayed',
      'prioritized',
    );
    const dead = (await this.deadLetters.list({ start: 0, end: 0 })).total;
    const pending =
      (counts.active ?? 0) + (counts.wait ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
    return { finished: (counts.completed ?? 0) + dead, pending, failed: counts.failed ?? 0 };
  }

  /** Waits until `expected` tasks are completed or dead-lettered and nothing is pending. */
  async settle(expected: number, timeoutMs: number, onTick?: () => void): Promise<void> {
    await waitFor(
      async () => {
        onTick?.();
        const p = await this.progress();
        return p.finished >= expected && p.pending === 0 && p.failed === 0;
      },
      { timeoutMs, intervalMs: 250, what: `${expected} tasks to complete or be dead-lettered` },
    );
  }

  /** How many of `ids` the test saw complete. */
  completionsOf(ids: Iterable<string>): number {
    let count = 0;
    for (const id of ids) if (this.completions.has(id)) count += 1;
    return count;
  }

  /** Every entry of the dead-letter queue, by task id. */
  async deadLettered(): Promise<Map<string, DeadLetterEntry>> {
    const { total } = await this.deadLetters.list({ start: 0, end: 0 });
    const { entries } = await this.deadLetters.list({ start: 0, end: Math.max(0, total - 1) });
    return new Map(entries.map((e) => [e.id, e]));
  }

  /** Where each of `acceptedIds` ended; call once {@link settle} resolved. */
  async outcomes(acceptedIds: readonly string[]): Promise<TaskOutcomes> {
    const completedIds = new Set(await this.queue.getRanges(['completed'], 0, -1, true));
    const entries = [...(await this.deadLettered()).values()];
    const deadLetteredIds = new Set(entries.map((e) => e.id));
    // Completed events trail the state change a little.
    await waitFor(() => [...completedIds].every((id) => this.completions.has(id)), {
      timeoutMs: 5000,
      what: 'completed events',
    }).catch(() => undefined);
    const lost = acceptedIds.filter((id) => !completedIds.has(id) && !deadLetteredIds.has(id));
    const reasons: Record<string, number> = {};
    for (const entry of entries) {
      const reason = entry.error.message.replace(/task \S+/g, 'task <id>').slice(0, 120);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    return {
      accepted: acceptedIds.length,
      completed: acceptedIds.filter((id) => completedIds.has(id)).length,
      deadLettered: acceptedIds.filter((id) => deadLetteredIds.has(id)).length,
      lost: lost.length,
      lostIds: lost.slice(0, 20),
      completedTwice: [...this.completions.values()].filter((n) => n > 1).length,
      completionsUnobserved: [...completedIds].filter((id) => !this.completions.has(id)).length,
      deadLetterReasons: reasons,
      deadLetteredWithoutReason: entries.filter((e) => !e.error.message).length,
      completedIds,
      deadLetteredIds,
    };
  }

  /** Closes the listener, the queue and the dead-letter reader. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.events.close().catch(() => undefined);
      this.eventsRedis.disconnect();
      await this.queue.close().catch(() => undefined);
      await this.deadLetters.close();
    })();
    return this.closing;
  }
}

/** The numbers of {@link TaskOutcomes} worth printing (no id sets). */
export function outcomeNumbers(o: TaskOutcomes): Record<string, unknown> {
  const { completedIds: _c, deadLetteredIds: _d, ...numbers } = o;
  return numbers;
}
