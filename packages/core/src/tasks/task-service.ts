import { PayloadCodec } from '../codec/payload-codec';
import { Job, Queue, type JobsOptions } from 'bullmq';
import { taskJobOptions } from './task-job-options';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { deadLetterView } from './dead-letter-entry';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { AppConfig } from '../config/load-config';
import { NotFoundError } from '../errors/not-found-error';
import { RedisUnavailableError } from '../errors/redis-unavailable-error';
import { redisFailure } from '../errors/redis-failure';
import { IdempotencyStore, requestFingerprint, type IdempotencyClaim } from './idempotency-store';
import type { QueueNames } from '../queues/queue-names';
import { QueueShards } from '../queues/queue-shards';
import type { EnqueuedTask, TaskRequest, TaskView } from '@tta/contracts';
import type { TaskJobData, TaskJobResult } from './task';
import { TaskId } from '../queues/task-id';
import { withinScope, type OwnerScope } from '../auth/owner-scope';
import { readTaskRuns } from './task-runs';
import { taskViewOf } from './task-view';
import type { TaskRouter } from '../routing/task-router';
import type { SessionBudget } from '../sessions/session-budget';
import { SessionOrder } from '../sessions/session-order';
import { SessionOwners } from '../sessions/session-owners';
import { cancelledView, TaskTombstones } from './task-tombstones';
import {
  validateTaskBatch,
  validateTaskRequest,
  type TaskRequestRules,
} from './task-request-validation';
import type { RedisClient } from '../redis/redis-connection';
import type { AdmissionControl } from '../admission/admission-control';

/** Options of {@link TaskService}. */
export interface TaskServiceOptions {
  /** Names of the control shard, which holds the idempotency records. */
  names: QueueNames;
  /**
   * The shards tasks are spread over: a task of a session goes to its session's shard, one
   * without a session to the next shard in turn; a task is read on the shard its id names.
   * Default: the one shard of `names`.
   */
  shards?: QueueShards;
  catalog: CapabilityCatalog;
  router: TaskRouter;
  /** Task defaults, retention and the idempotency window, from config `tasks`. */
  tasks: AppConfig['tasks'];
  /** Most tasks in one batch. Default: 500. */
  maxBatchSize?: number;
  /** Where a task that is gone from its queue is looked for (status `dead`). Default: none. */
  deadLetters?: DeadLetterQueue;
  /** Refuses tasks of sessions that spent their LLM budget (429 `budget_exceeded`). Default: none. */
  sessionBudget?: SessionBudget;
  /** Encrypts the configured fields of task input; decrypts what `get` answers. Default: plain. */
  codec?: PayloadCodec;
  /**
   * Refuses new tasks while Redis is short of memory or their queue or owner has too many
   * waiting (the API's). Default: every valid task is taken.
   */
  admission?: AdmissionControl;
}

interface PreparedTask {
  request: TaskRequest;
  /** The shard whose queue gets the task. */
  shard: QueueNames;
  queue: string;
  id: string;
  data: TaskJobData;
  opts: JobsOptions;
  /** Present when the request has an idempotency key. */
  claim?: IdempotencyClaim;
}

/**
 * Accepts tasks (validate, route, add one BullMQ job) and reads them back. Bad input is refused
 * before anything reaches Redis; a task is acknowledged only once its job is stored.
 */
export class TaskService {
  private readonly queues = new Map<string, Queue>();
  private readonly shards: QueueShards;
  private readonly idempotency: IdempotencyStore;
  /** By shard index, as `orders`. */
  private readonly tombstones: TaskTombstones[];
  private readonly orders: SessionOrder[];
  private readonly sessionOwners: SessionOwners;
  private readonly codec: PayloadCodec;
  private readonly rules: TaskRequestRules;
  private closing?: Promise<void>;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: TaskServiceOptions,
  ) {
    this.idempotency = new IdempotencyStore(redis, {
      names: options.names,
      windowMs: options.tasks.idempotencyWindowSeconds * 1000,
    });
    this.shards = options.shards ?? new QueueShards(options.names.prefix);
    this.tombstones = this.shards.all.map((names) => new TaskTombstones(redis, { names }));
    this.orders = this.shards.all.map((names) => new SessionOrder(redis, { names }));
    this.sessionOwners = new SessionOwners(redis);
    this.codec = options.codec ?? PayloadCodec.plain();
    this.rules = {
      catalog: options.catalog,
      maxTimeoutMs: options.tasks.maxTimeoutMs,
      ...(options.maxBatchSize !== undefined && { maxBatchSize: options.maxBatchSize }),
    };
  }

  /** Validates one request body without touching Redis; throws a ValidationError naming the field. */
  validate(body: unknown, root = ''): TaskRequest {
    return validateTaskRequest(body, this.rules, root);
  }

  /**
   * Validates, routes and enqueues one task, owned by `scope.owner` (its idempotency key is
   * that owner's: another owner's same key is another task).
   */
  async enqueue(body: unknown, scope: OwnerScope = {}): Promise<EnqueuedTask> {
    const [task] = await this.enqueueValid([this.validate(body)], scope);
    return task as EnqueuedTask;
  }

  /** Validates every task first (nothing is enqueued if one is bad), then enqueues all. */
  async enqueueBatch(body: unknown, scope: OwnerScope = {}): Promise<EnqueuedTask[]> {
    return this.enqueueValid(this.validateBatch(body), scope);
  }

  /** Validates a batch body (`{ tasks }`) without touching Redis: every task, and its size. */
  validateBatch(body: unknown): TaskRequest[] {
    return validateTaskBatch(body, this.rules);
  }

  /**
   * Enqueues validated requests (see {@link validate}, {@link validateBatch}), all or none:
   * refused whole while Redis is short of memory (`capacity`), over a session's budget or over
   * a limit of waiting tasks.
   */
  async enqueueValid(requests: TaskRequest[], scope: OwnerScope = {}): Promise<EnqueuedTask[]> {
    this.options.admission?.assertCapacity();
    await this.assertSessionBudgets(requests);
    const prepared = await Promise.all(requests.map((r) => this.prepare(r, scope)));
    // Checked first: a refusal for an unready Redis must not leave the admission's read
    // unawaited (its rejection would go unhandled).
    this.assertRedisReady();
    const admitting = this.options.admission?.admit(scope.owner, prepared);
    if (admitting) await this.guardAdmission(() => admitting);
    await this.store(prepared, scope.owner);
    return prepared.map(accepted);
  }

  /**
   * A task by id; throws NotFoundError for an unknown or expired id. A cancelled task reads
   * `cancelled` from its tombstone, even once its job was removed; a dead-lettered one reads
   * `dead` from its dead-letter entry. Another owner's task (outside `scope`) reads as unknown.
   */
  async get(id: string, scope: OwnerScope = {}): Promise<TaskView> {
    const { queue: queueName, shard } = this.locate(id);
    this.assertRedisReady();
    try {
      // A pool queue nobody declared or used holds no job: no queue is opened for it (its
      // tombstone or dead-letter entry may still be read), so ids cannot grow the handles.
      const held = await this.options.router.holdsTasks(queueName);
      const queue = held ? this.queue(queueName, shard) : undefined;
      // The state is read before the job: a job read first could finish in between and read
      // `completed` without its result.
      const state = queue ? await queue.getJobState(id) : 'unknown';
      const [job, tombstone, runs] = await Promise.all([
        queue ? Job.fromId<TaskJobData, TaskJobResult>(queue, id) : undefined,
        this.tombstonesOf(shard).read(id),
        queue ? readTaskRuns(this.redis, queue.toKey(id)) : undefined,
      ]);
      const owner = job ? job.data.owner : tombstone?.owner;
      if ((job || tombstone) && !withinScope(scope, owner)) throw new NotFoundError('task', id);
      if (tombstone) {
        return this.codec.decode(
          cancelledView(tombstone, job && taskViewOf(job, queueName, state, runs)),
        );
      }
      if (!job) {
        const dead = await this.options.deadLetters?.find(id);
        if (dead && withinScope(scope, dead.task.owner))
          return this.codec.decode(deadLetterView(dead));
        throw new NotFoundError('task', id);
      }
      return this.codec.decode(taskViewOf(job, queueName, state, runs));
    } catch (err) {
      throw this.redisError(err);
    }
  }

  /** Number of jobs in each state of a queue, summed over the shards. */
  async counts(queueName: string): Promise<Record<string, number>> {
    this.assertRedisReady();
    try {
      const all = await Promise.all(
        this.shards.all.map((shard) => this.queue(queueName, shard).getJobCounts()),
      );
      const sum: Record<string, number> = {};
      for (const counts of all) {
        for (const [state, n] of Object.entries(counts)) sum[state] = (sum[state] ?? 0) + n;
      }
      return sum;
    } catch (err) {
      throw this.redisError(err);
    }
  }

  /**
   * The BullMQ queue of a name on a shard (default: the control shard), created on first use
   * with the shared producer connection.
   */
  queue(name: string, shard: QueueNames = this.options.names): Queue {
    const key = `${shard.prefix}:${name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: shard.prefix });
      queue.on('error', () => undefined);
      this.queues.set(key, queue);
    }
    return queue;
  }

  /**
   * The queue and shard a task id names; throws {@link NotFoundError} for a malformed id, a
   * queue outside the catalog or a shard the deployment does not have.
   */
  locate(id: string): { queue: string; shard: QueueNames } {
    const parsed = TaskId.parse(id);
    const known = parsed && this.options.router.isTaskQueue(parsed.queue);
    const shard = this.shards.forId(id);
    if (!parsed || !known || !shard) throw new NotFoundError('task', id);
    return { queue: parsed.queue, shard };
  }

  /** Closes the queues this service opened (not the shared connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.queues.values()].map((q) => q.close())).then(
      () => undefined,
    );
    return this.closing;
  }

  private tombstonesOf(shard: QueueNames): TaskTombstones {
    return this.tombstones[shard.shard] as TaskTombstones;
  }

  private async prepare(request: TaskRequest, scope: OwnerScope): Promise<PreparedTask> {
    const route = await this.options.router.route(request);
    const entry = this.options.catalog.get(route.capability);
    const defaults = this.options.tasks;
    const shard = this.shards.pick(request.sessionId);
    const id = TaskId.create(route.queue, shard.shard);
    const data: TaskJobData = {
      capability: route.capability,
      input: this.codec.encodeInput(request.input),
      timeoutMs: request.timeoutMs ?? entry.timeoutMs ?? defaults.defaultTimeoutMs,
      enqueuedAt: Date.now(),
    };
    if (request.sessionId !== undefined) data.sessionId = request.sessionId;
    if (scope.owner !== undefined) data.owner = scope.owner;
    if (request.requirements !== undefined) data.requirements = request.requirements;
    if (request.budgetUsd !== undefined) data.budgetUsd = request.budgetUsd;
    if (entry.ordered && request.sessionId !== undefined) data.orderedAt = data.enqueuedAt;
    let claim: IdempotencyClaim | undefined;
    if (request.idempotencyKey !== undefined) {
      data.idempotencyKey = request.idempotencyKey;
      claim = {
        ...(scope.owner !== undefined && { owner: scope.owner }),
        capability: route.capability,
        idempotencyKey: request.idempotencyKey,
        taskId: id,
        queue: route.queue,
        fingerprint: requestFingerprint(request),
      };
    }
    const opts = taskJobOptions(id, defaults, entry);
    if (request.priority !== undefined) opts.priority = request.priority;
    if (request.delayMs !== undefined && request.delayMs > 0) opts.delay = request.delayMs;
    return { request, shard, queue: route.queue, id, data, opts, ...(claim && { claim }) };
  }

  // An idempotent task is the one its key's record stands for: a replay takes the stored id and
  // queue, and adds the job only if the earlier request stored the record but not the job.
  private async store(prepared: PreparedTask[], owner?: string): Promise<void> {
    this.assertRedisReady();
    try {
      const keyed = prepared.filter((p) => p.claim !== undefined);
      const reservations = await this.idempotency.reserve(keyed.flatMap((p) => p.claim ?? []));
      const replays = new Set<PreparedTask>();
      keyed.forEach((p, i) => {
        const reservation = reservations[i];
        if (!reservation) return;
        p.id = reservation.taskId;
        p.queue = reservation.queue;
        p.shard = this.shards.forId(reservation.taskId) ?? p.shard;
        p.opts.jobId = reservation.taskId;
        if (!reservation.mustAdd) replays.add(p);
      });
      const fresh = prepared.filter((p) => !replays.has(p));
      await this.claimSessions(fresh);
      await this.admitInSessionOrder(fresh);
      await this.addJobs(fresh);
      this.options.admission?.stored(owner, fresh);
      await this.idempotency.markAdded(
        fresh.flatMap((p) => (p.claim ? [{ ...p.claim, taskId: p.id }] : [])),
      );
    } catch (err) {
      throw this.redisError(err);
    }
  }

  // A session belongs to the owner of its first task or run; another owner's is refused (404).
  private async claimSessions(prepared: PreparedTask[]): Promise<void> {
    const claims = new Map<string, { shard: QueueNames; owner: string }>();
    for (const { data, shard } of prepared) {
      if (data.sessionId === undefined || data.owner === undefined) continue;
      claims.set(data.sessionId, { shard, owner: data.owner });
    }
    await Promise.all(
      [...claims].map(([session, { shard, owner }]) =>
        this.sessionOwners.claim(shard, session, owner),
      ),
    );
  }

  // Ordered tasks join their session's order before their job exists, so that no agent can run
  // a later task of the session first (see SessionOrder).
  private async admitInSessionOrder(prepared: PreparedTask[]): Promise<void> {
    const bySession = new Map<string, { shard: QueueNames; entries: string[] }>();
    for (const { data, id, shard } of prepared) {
      if (data.orderedAt === undefined || data.sessionId === undefined) continue;
      const session = bySession.get(data.sessionId) ?? { shard, entries: [] };
      session.entries.push(SessionOrder.entry(id, data.orderedAt));
      bySession.set(data.sessionId, session);
    }
    await Promise.all(
      [...bySession].map(([session, { shard, entries }]) =>
        (this.orders[shard.shard] as SessionOrder).admit(session, entries),
      ),
    );
  }

  // One round trip per queue of a shard; a task listed twice (one key twice in a batch) is
  // added once.
  private async addJobs(prepared: PreparedTask[]): Promise<void> {
    const byQueue = new Map<
      string,
      { shard: QueueNames; name: string; group: Map<string, PreparedTask> }
    >();
    for (const p of prepared) {
      const key = `${p.shard.prefix}:${p.queue}`;
      const entry = byQueue.get(key) ?? { shard: p.shard, name: p.queue, group: new Map() };
      byQueue.set(key, entry);
      entry.group.set(p.id, p);
    }
    await Promise.all(
      [...byQueue.values()].map(({ shard, name, group }) => {
        const jobs = [...group.values()];
        const queue = this.queue(name, shard);
        // One job needs no pipeline: `add` is one script call, and building an ioredis
        // pipeline (which copies every loaded script onto it) is a large share of an enqueue.
        if (jobs.length === 1) {
          const [p] = jobs as [PreparedTask];
          return queue.add(p.data.capability, p.data, p.opts);
        }
        return queue.addBulk(
          jobs.map((p) => ({ name: p.data.capability, data: p.data, opts: p.opts })),
        );
      }),
    );
  }

  private async assertSessionBudgets(requests: readonly TaskRequest[]): Promise<void> {
    const budget = this.options.sessionBudget;
    if (!budget || requests.every((r) => r.sessionId === undefined)) return;
    await this.guardAdmission(() => budget.assertWithin(requests.map((r) => r.sessionId)));
  }

  private async guardAdmission(check: () => Promise<void> | undefined): Promise<void> {
    this.assertRedisReady();
    try {
      await check();
    } catch (err) {
      throw this.redisError(err);
    }
  }

  private assertRedisReady(): void {
    if (this.redis.status !== 'ready') throw new RedisUnavailableError();
  }

  private redisError(err: unknown): Error {
    return redisFailure(err, this.redis);
  }
}

function accepted(p: PreparedTask): EnqueuedTask {
  return { id: p.id, status: 'queued', capability: p.data.capability, queue: p.queue };
}
