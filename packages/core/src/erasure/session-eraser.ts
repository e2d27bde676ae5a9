import { createHash } from 'node:crypto';
import type { SessionErasureReceipt } from '@tta/contracts';
import { AppError } from '../errors/app-error';
import { NotFoundError } from '../errors/not-found-error';
import { toError } from '../errors/to-error';
import { withinScope, type OwnerScope } from '../auth/owner-scope';
import { COST_BUCKET_MS, costBucketKey, llmCallsKey } from '../costs/cost-ledger';
import { QueueHandles } from '../queues/queue-handles';
import type { QueueNames } from '../queues/queue-names';
import type { QueueShards } from '../queues/queue-shards';
import type { RedisClient } from '../redis/redis-connection';
import { SESSION_OWNER_TTL_MS, SessionOwners } from '../sessions/session-owners';
import type { DeadLetterEntry } from '../tasks/dead-letter-entry';
import type { DeadLetterQueue } from '../tasks/dead-letter-queue';
import { IdempotencyStore } from '../tasks/idempotency-store';
import { TaskTombstones } from '../tasks/task-tombstones';
import type { Logger } from '../telemetry/logger';
import { anonymiseSafetyEvents, foldSessionCosts, removeAuditEntries } from './anonymise-session';
import {
  costBucketHours,
  noneErased,
  type ErasedCounts,
  type SessionJobFacts,
} from './erasure-plan';
import { findSessionJobs, removeStreamEntries, type FoundJob } from './session-jobs';
import { deleteKeys, removeIdempotencyRecords, removeSessionState } from './session-keys';

/** Cancels a running task or workflow run by id (`TaskCanceller.cancel`, `WorkflowRuns.cancel`). */
export type CancelJob = (id: string) => Promise<unknown>;

/** Options of {@link SessionEraser}. */
export interface SessionEraserOptions {
  /** The connection of every command; not closed by `close()`. */
  connection: RedisClient;
  /** The shards of the deployment; the control shard holds the ledger, safety events and idempotency records. */
  shards: QueueShards;
  /**
   * The task queues looked through on every shard besides `workflow`, which always is: those
   * of every capability and pool (`TaskRouter.refreshQueues`).
   */
  queues: () => readonly string[] | Promise<readonly string[]>;
  /** The dead-letter queue, which removes the session's entries by its index of them. */
  deadLetters: DeadLetterQueue;
  /** Cancels a running task of the session before its job is removed. */
  cancelTask: CancelJob;
  /** Cancels a running workflow run of the session before its job is removed. */
  cancelRun: CancelJob;
  /** How far back the cost ledger keeps hourly buckets, in ms (config `costs.retentionDays`). */
  costRetentionMs: number;
  /** Idempotency window of the task service, in ms (config `tasks.idempotencyWindowSeconds`). */
  idempotencyWindowMs: number;
  logger?: Logger;
  /** How long running jobs of the session are given to end once cancelled. Default: 30,000 ms. */
  settleTimeoutMs?: number;
  /** Time between two looks at cancelled jobs that still run. Default: 100 ms. */
  settlePollMs?: number;
  /**
   * How long the marker that refuses new work of the session lives, should the eraser die
   * before it deletes it. Default: 600,000 ms (10 min).
   */
  markerTtlMs?: number;
}

/** {@link SessionEraserOptions} with their defaults filled in. */
export interface ResolvedSessionEraserOptions extends SessionEraserOptions {
  settleTimeoutMs: number;
  settlePollMs: number;
  markerTtlMs: number;
}

/** Fills the defaults of {@link SessionEraserOptions}; throws at once on a bad value. */
export function resolveSessionEraserOptions(
  options: SessionEraserOptions,
): ResolvedSessionEraserOptions {
  const resolved = {
    ...options,
    settleTimeoutMs: options.settleTimeoutMs ?? 30_000,
    settlePollMs: options.settlePollMs ?? 100,
    markerTtlMs: options.markerTtlMs ?? 600_000,
  };
  for (const name of [
    'settleTimeoutMs',
    'settlePollMs',
    'markerTtlMs',
    'costRetentionMs',
  ] as const) {
    if (!Number.isInteger(resolved[name]) || resolved[name] < 1) {
      throw new TypeError(
        `SessionEraser: ${name} must be a positive integer, got ${resolved[name]}`,
      );
    }
  }
  return resolved;
}

/** Looks through the queues again while jobs of the session keep turning up. */
const MAX_PASSES = 3;

/** A job of the session that was erased: a task, a run or a dead letter. */
type ErasedJob = SessionJobFacts & { shard: QueueNames };

/**
 * Erases one player session everywhere (`DELETE /v1/sessions/:id`): every job of its tasks and
 * runs on every shard (running ones cancelled first), its dead letters and cancel tombstones
 * (by their per-session indexes), their results and
 * event-log entries, tombstones and idempotency records, its world state, history, order,
 * owner, safety state and cost totals. What the law asks to keep stays, anonymised: its costs
 * are folded into the hourly buckets' anonymous fields, its safety events lose the session
 * and run ids. While it runs, new tasks and runs of the session are refused
 * (`SessionErasingError`). Answers counts only; erasing again answers zeros.
 */
export class SessionEraser {
  private readonly options: ResolvedSessionEraserOptions;
  private readonly handles: QueueHandles;
  private readonly idempotency: IdempotencyStore;
  private closing?: Promise<void>;

  constructor(options: SessionEraserOptions) {
    this.options = resolveSessionEraserOptions(options);
    this.handles = new QueueHandles(options.connection, (queue, err) =>
      options.logger?.warn('session erasure: queue error', { queue, error: err.message }),
    );
    this.idempotency = new IdempotencyStore(options.connection, {
      names: options.shards.control,
      windowMs: options.idempotencyWindowMs,
    });
  }

  /**
   * Erases `sessionId`. With `scope.owner`, only a session of that owner (one it erased before
   * answers zeros); another's, or one it never had, throws {@link NotFoundError}.
   */
  async erase(sessionId: string, scope: OwnerScope = {}): Promise<SessionErasureReceipt> {
    const redis = this.options.connection;
    const home = this.options.shards.forSession(sessionId);
    const owner = await this.authorize(home, sessionId, scope);
    const marker = SessionOwners.erasingKey(home, sessionId);
    await redis.set(marker, '1', 'PX', this.options.markerTtlMs);
    try {
      const removed = await this.eraseAll(sessionId, owner);
      await redis.set(this.erasedKey(home, sessionId), owner ?? '', 'PX', SESSION_OWNER_TTL_MS);
      // Counts only: the log outlives the erasure, so it does not name the session.
      this.options.logger?.info('session erased', { removed });
      return { sessionId, erasedAt: new Date().toISOString(), removed };
    } finally {
      await redis.del(marker).catch(() => undefined);
    }
  }

  /** Closes the queues it opened (not the connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.handles.close();
    return this.closing;
  }

  // The session's owner; throws NotFoundError for one outside `scope`.
  private async authorize(
    home: QueueNames,
    sessionId: string,
    scope: OwnerScope,
  ): Promise<string | undefined> {
    const redis = this.options.connection;
    const owner = (await redis.get(SessionOwners.key(home, sessionId))) ?? undefined;
    if (scope.owner === undefined) return owner;
    if (owner !== undefined && withinScope(scope, owner)) return owner;
    if (owner === undefined && (await redis.get(this.erasedKey(home, sessionId))) === scope.owner) {
      return scope.owner;
    }
    throw new NotFoundError('session', sessionId);
  }

  private async eraseAll(sessionId: string, owner: string | undefined): Promise<ErasedCounts> {
    const removed = noneErased();
    const dead = await this.options.deadLetters.removeSession(sessionId);
    removed.deadLetters = dead.length;
    const jobs: ErasedJob[] = [
      ...(await this.eraseJobs(sessionId, removed)),
      ...dead.map((entry) => this.deadLetterFacts(entry)),
    ];
    const redis = this.options.connection;
    const { shards } = this.options;
    for (const shard of shards.all) {
      const ids = jobs.filter((j) => j.shard.shard === shard.shard).map((j) => j.id);
      const tombstones = new TaskTombstones(redis, { names: shard });
      removed.tombstones += await tombstones.removeSession(sessionId);
      removed.tombstones += await deleteKeys(
        redis,
        ids.map((id) => tombstones.key(id)),
      );
      removed.sessionKeys += await removeSessionState(redis, shard, sessionId);
      for (const name of await this.queueNames(shard)) {
        const queue = this.handles.get(name, shard);
        removed.streamEntries += await removeStreamEntries(redis, queue, new Set(ids));
      }
    }
    const control = shards.control;
    removed.taskCosts = await deleteKeys(
      redis,
      jobs.map((j) => control.key('costs', 'task', j.id)),
    );
    removed.llmCalls = await deleteKeys(
      redis,
      jobs.map((j) => llmCallsKey(control, j.id)),
    );
    removed.idempotencyRecords = await removeIdempotencyRecords(redis, this.idempotencyOf(jobs));
    removed.costFields = await foldSessionCosts(redis, this.bucketKeys(jobs, owner), sessionId);
    removed.safetyEventsAnonymised = await anonymiseSafetyEvents(redis, control, sessionId);
    removed.auditEntries = await removeAuditEntries(redis, control, sessionId);
    return removed;
  }

  // Finds, cancels and removes the session's jobs, looking again while new ones turn up.
  private async eraseJobs(sessionId: string, removed: ErasedCounts): Promise<FoundJob[]> {
    const erased = new Map<string, FoundJob>();
    for (let pass = 0; pass < MAX_PASSES; pass += 1) {
      const found = (await this.findJobs(sessionId)).filter((j) => !erased.has(j.id));
      if (found.length === 0) return [...erased.values()];
      await this.stopRunning(found.filter((j) => j.running));
      for (const job of orderForRemoval(found)) {
        if (!(await this.removeJob(job))) continue;
        erased.set(job.id, job);
        if (job.queue.name === job.shard.workflow) removed.runs += 1;
        else removed.tasks += 1;
      }
    }
    const left = (await this.findJobs(sessionId)).filter((j) => !erased.has(j.id));
    if (left.length > 0) {
      throw new AppError('erasure_incomplete', `session '${sessionId}' keeps getting new jobs`);
    }
    return [...erased.values()];
  }

  // Tasks and runs; dead letters are found by the dead-letter queue's index of the session.
  private async findJobs(sessionId: string): Promise<FoundJob[]> {
    const redis = this.options.connection;
    const found: FoundJob[] = [];
    for (const shard of this.options.shards.all) {
      for (const name of await this.jobQueueNames(shard)) {
        found.push(...(await findSessionJobs(redis, this.handles, shard, name, sessionId)));
      }
    }
    return found;
  }

  // Cancels running jobs through the ordinary cancellation, then waits until none is locked.
  private async stopRunning(running: readonly FoundJob[]): Promise<void> {
    for (const job of running) {
      const cancel =
        job.queue.name === job.shard.workflow ? this.options.cancelRun : this.options.cancelTask;
      await cancel(job.id).catch((err: unknown) => {
        // Finished or gone meanwhile: there is nothing left to stop.
        const code = err instanceof AppError ? err.code : undefined;
        if (code !== 'task_finished' && code !== 'not_found') throw toError(err);
      });
    }
    const deadline = Date.now() + this.options.settleTimeoutMs;
    for (const job of running) {
      while ((await job.queue.getJobState(job.id)) === 'active' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, this.options.settlePollMs));
      }
    }
  }

  // Whether the job is gone now (removed by this call, or before it).
  private async removeJob(job: FoundJob): Promise<boolean> {
    try {
      await job.queue.remove(job.id, { removeChildren: true });
    } catch (err) {
      this.options.logger?.warn('session erasure: job not removed', {
        jobId: job.id,
        error: toError(err).message,
      });
    }
    return (await this.options.connection.exists(job.queue.toKey(job.id))) === 0;
  }

  private async jobQueueNames(shard: QueueNames): Promise<string[]> {
    const tasks = await this.options.queues();
    return [...new Set([...tasks, shard.workflow])];
  }

  // Every queue whose event log may name a job of the session.
  private async queueNames(shard: QueueNames): Promise<string[]> {
    return [...(await this.jobQueueNames(shard)), shard.deadLetter];
  }

  private deadLetterFacts(entry: DeadLetterEntry): ErasedJob {
    const { owner, idempotencyKey } = entry.task;
    return {
      id: entry.id,
      shard: this.options.shards.forId(entry.id) ?? this.options.shards.control,
      capability: entry.capability,
      ...(owner !== undefined && { owner }),
      ...(idempotencyKey !== undefined && { idempotencyKey }),
    };
  }

  private idempotencyOf(jobs: readonly ErasedJob[]): Array<{ key: string; taskId: string }> {
    return jobs.flatMap((j) =>
      j.idempotencyKey !== undefined && j.capability !== undefined
        ? [{ key: this.idempotency.key(j.capability, j.idempotencyKey, j.owner), taskId: j.id }]
        : [],
    );
  }

  // The hourly buckets of every call, and those of each owner the session's tasks had.
  private bucketKeys(jobs: readonly ErasedJob[], owner: string | undefined): string[] {
    const control = this.options.shards.control;
    const owners = new Set<string | undefined>([undefined, owner]);
    for (const job of jobs) owners.add(job.owner);
    const hours = costBucketHours(Date.now(), this.options.costRetentionMs, COST_BUCKET_MS);
    return [...owners].flatMap((o) => hours.map((hour) => costBucketKey(control, hour, o)));
  }

  // Where an erased session remembers its owner, under a hash of its id (never the id itself),
  // so that erasing it again answers zeros rather than 404.
  private erasedKey(home: QueueNames, sessionId: string): string {
    return home.key('session-erased', createHash('sha256').update(sessionId).digest('hex'));
  }
}

// Runs first (with their steps), then tasks.
function orderForRemoval(jobs: readonly FoundJob[]): FoundJob[] {
  const rank = (j: FoundJob) => (j.queue.name === j.shard.workflow ? 0 : 1);
  return [...jobs].sort((a, b) => rank(a) - rank(b));
}
