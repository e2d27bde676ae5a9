import type { QueueNames } from '../queues/queue-names';
import type { RedisClient } from '../redis/redis-connection';

/** Options of {@link SessionOrder}. */
export interface SessionOrderOptions {
  names: QueueNames;
  /** How long a session's order list lives after its last task was admitted. Default: 7 days. */
  retentionMs?: number;
  /**
   * A head whose task cannot be found is skipped only once it was admitted this long ago: its
   * job may still be on its way into the queue. Default: 2000 ms.
   */
  orphanAfterMs?: number;
}

/** Whether a task may run now. */
export type Turn = 'run' | 'wait';

/**
 * Where a task stands: `pending` (waiting, delayed, running, retrying), `ended` (completed,
 * failed for good, cancelled) or `missing` (no such job: removed, or not enqueued yet).
 */
export type TaskProgress = 'pending' | 'ended' | 'missing';

/** Looks up where a task stands. */
export type TaskProgressOf = (taskId: string) => Promise<TaskProgress>;

// Returns {head entry or false, whether `entry` is in the list}.
const PEEK = `
local head = redis.call('LINDEX', KEYS[1], 0)
local pos = redis.call('LPOS', KEYS[1], ARGV[1])
return {head or false, pos and 1 or 0}
`;
// Removes `entry` if it is still the head (another agent may have removed it first).
const POP_IF_HEAD = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) return 1 end
return 0
`;
// Removes `entry` wherever it is; returns the new head, if any.
const RELEASE = `
redis.call('LREM', KEYS[1], 1, ARGV[1])
return redis.call('LINDEX', KEYS[1], 0) or false
`;

/**
 * Keeps the tasks of one session that must not overlap (`world.update` and capabilities config
 * marks `ordered`) in the order they were accepted: the API appends each such task to its
 * session's list before enqueueing it; an agent runs a task only when it heads the list, and
 * removes it when the task ends for good. Entries are `<admittedAt>|<taskId>`.
 */
export class SessionOrder {
  private readonly retentionMs: number;
  private readonly orphanAfterMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: SessionOrderOptions,
  ) {
    this.retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000;
    this.orphanAfterMs = options.orphanAfterMs ?? 2000;
  }

  /** The list entry of a task admitted at `admittedAt`. */
  static entry(taskId: string, admittedAt: number): string {
    return `${admittedAt}|${taskId}`;
  }

  /** Appends tasks (in this order) to their session's list; call before enqueueing them. */
  async admit(sessionId: string, entries: string[]): Promise<void> {
    const key = this.key(sessionId);
    await this.redis
      .multi()
      .rpush(key, ...entries)
      .pexpire(key, this.retentionMs)
      .exec();
  }

  /**
   * `run` when the task heads its session's list (or is no longer in it: it ended before, or
   * was never admitted); `wait` while an earlier task has not ended. Heads that ended without
   * being released (their agent died, they were removed) are dropped on the way.
   */
  async turn(sessionId: string, entry: string, progressOf: TaskProgressOf): Promise<Turn> {
    const key = this.key(sessionId);
    for (;;) {
      const [head, present] = (await this.redis.eval(PEEK, 1, key, entry)) as [
        string | null,
        number,
      ];
      if (!head || present === 0 || head === entry) return 'run';
      const [admittedAt, headTaskId] = splitEntry(head);
      const progress = await progressOf(headTaskId);
      const orphan = progress === 'missing' && Date.now() - admittedAt > this.orphanAfterMs;
      if (progress !== 'ended' && !orphan) return 'wait';
      await this.redis.eval(POP_IF_HEAD, 1, key, head);
    }
  }

  /** Removes an ended task from its session's list; returns the task id now at the head. */
  async release(sessionId: string, entry: string): Promise<string | undefined> {
    const head = (await this.redis.eval(RELEASE, 1, this.key(sessionId), entry)) as string | null;
    return head ? splitEntry(head)[1] : undefined;
  }

  private key(sessionId: string): string {
    return this.options.names.key('session', sessionId, 'order');
  }
}

function splitEntry(entry: string): [admittedAt: number, taskId: string] {
  const at = entry.indexOf('|');
  return [Number(entry.slice(0, at)), entry.slice(at + 1)];
}
