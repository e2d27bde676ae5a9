import { createHash } from 'node:crypto';
import { Job, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CapabilityCatalog } from './capability-catalog';
import type { AppConfig } from './config/load-config';
import {
  AppError,
  IdempotencyConflictError,
  NotFoundError,
  RedisUnavailableError,
  ValidationError,
  type FieldIssue,
} from './errors';
import type { QueueNames } from './queue-names';
import {
  taskBatchRequestSchema,
  taskRequestSchema,
  type EnqueuedTask,
  type TaskJobData,
  type TaskJobResult,
  type TaskRequest,
  type TaskView,
} from './task';
import { TaskId } from './task-id';
import type { TaskRouter } from './task-router';
import { parseOrThrow, toFieldIssues } from './zod-issues';

/** Options of {@link TaskService}. */
export interface TaskServiceOptions {
  names: QueueNames;
  catalog: CapabilityCatalog;
  router: TaskRouter;
  /** Task defaults and retention, from config `tasks`. */
  tasks: AppConfig['tasks'];
  /** Most tasks in one batch. Default: 500. */
  maxBatchSize?: number;
}

interface PreparedTask {
  request: TaskRequest;
  queue: string;
  id: string;
  data: TaskJobData;
  opts: JobsOptions;
}

/**
 * Accepts tasks (validate, route, add one BullMQ job) and reads them back. Bad input is refused
 * before anything reaches Redis; a task is acknowledged only once its job is stored.
 */
export class TaskService {
  private readonly queues = new Map<string, Queue>();
  private closing?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly options: TaskServiceOptions,
  ) {}

  /** Validates one request body without touching Redis; throws a ValidationError naming the field. */
  validate(body: unknown, root = ''): TaskRequest {
    const request = parseOrThrow(taskRequestSchema, body, root);
    const entry = this.options.catalog.get(request.capability);
    const at = (field: string) => (root ? `${root}.${field}` : field);
    if (entry.schemas) {
      const parsed = entry.schemas.input.safeParse(request.input);
      if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error, at('input')));
      request.input = parsed.data as Record<string, unknown>;
      if (entry.schemas.requiresSession && request.sessionId === undefined) {
        throw new ValidationError([
          { path: at('sessionId'), message: `required by ${entry.name}` },
        ]);
      }
    }
    if (request.timeoutMs !== undefined && request.timeoutMs > this.options.tasks.maxTimeoutMs) {
      throw new ValidationError([
        { path: at('timeoutMs'), message: `must be at most ${this.options.tasks.maxTimeoutMs}` },
      ]);
    }
    return request;
  }

  /** Validates, routes and enqueues one task. */
  async enqueue(body: unknown): Promise<EnqueuedTask> {
    const request = this.validate(body);
    const prepared = await this.prepare(request);
    this.assertRedisReady();
    try {
      const queue = this.queue(prepared.queue);
      await queue.add(prepared.data.capability, prepared.data, prepared.opts);
    } catch (err) {
      throw this.redisError(err);
    }
    if (request.idempotencyKey !== undefined) await this.checkIdempotency([prepared]);
    return accepted(prepared);
  }

  /** Validates every task first (nothing is enqueued if one is bad), then enqueues all. */
  async enqueueBatch(body: unknown): Promise<EnqueuedTask[]> {
    const { tasks } = parseOrThrow(taskBatchRequestSchema, body);
    const max = this.options.maxBatchSize ?? 500;
    if (tasks.length > max) {
      throw new ValidationError([{ path: 'tasks', message: `at most ${max} tasks per batch` }]);
    }
    const requests = tasks.map((task, i) => this.validate(task, `tasks.${i}`));
    const prepared = await Promise.all(requests.map((r) => this.prepare(r)));
    this.assertRedisReady();
    const byQueue = new Map<string, PreparedTask[]>();
    for (const p of prepared) byQueue.set(p.queue, [...(byQueue.get(p.queue) ?? []), p]);
    try {
      await Promise.all(
        [...byQueue].map(([name, group]) =>
          this.queue(name).addBulk(
            group.map((p) => ({ name: p.data.capability, data: p.data, opts: p.opts })),
          ),
        ),
      );
    } catch (err) {
      throw this.redisError(err);
    }
    await this.checkIdempotency(prepared.filter((p) => p.request.idempotencyKey !== undefined));
    return prepared.map(accepted);
  }

  /** A task by id; throws NotFoundError for an unknown or expired id. */
  async get(id: string): Promise<TaskView> {
    const queueName = this.queueOfTaskId(id);
    this.assertRedisReady();
    try {
      const queue = this.queue(queueName);
      const job = await Job.fromId<TaskJobData, TaskJobResult>(queue, id);
      if (!job) throw new NotFoundError('task', id);
      const state = await job.getState();
      return toView(job, queueName, state);
    } catch (err) {
      throw this.redisError(err);
    }
  }

  /** Number of jobs in each state of a queue. */
  async counts(queueName: string): Promise<Record<string, number>> {
    this.assertRedisReady();
    try {
      return await this.queue(queueName).getJobCounts();
    } catch (err) {
      throw this.redisError(err);
    }
  }

  /** The BullMQ queue of a name, created on first use with the shared producer connection. */
  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.redis, prefix: this.options.names.prefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Closes the queues this service opened (not the shared connection). Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.queues.values()].map((q) => q.close())).then(
      () => undefined,
    );
    return this.closing;
  }

  private queueOfTaskId(id: string): string {
    const parsed = TaskId.parse(id);
    const known = parsed && this.options.router.allQueues().includes(parsed.queue);
    if (!parsed || !known) throw new NotFoundError('task', id);
    return parsed.queue;
  }

  private async prepare(request: TaskRequest): Promise<PreparedTask> {
    const route = await this.options.router.route(request);
    const entry = this.options.catalog.get(route.capability);
    const defaults = this.options.tasks;
    const id =
      request.idempotencyKey === undefined
        ? TaskId.create(route.queue)
        : TaskId.fromIdempotencyKey(route.queue, request.idempotencyKey);
    const data: TaskJobData = {
      capability: route.capability,
      input: request.input,
      timeoutMs: request.timeoutMs ?? entry.timeoutMs ?? defaults.defaultTimeoutMs,
      enqueuedAt: Date.now(),
    };
    if (request.sessionId !== undefined) data.sessionId = request.sessionId;
    if (request.requirements !== undefined) data.requirements = request.requirements;
    if (request.idempotencyKey !== undefined) {
      data.idempotencyKey = request.idempotencyKey;
      data.fingerprint = fingerprint(request);
    }
    const opts: JobsOptions = {
      jobId: id,
      attempts: entry.attempts ?? defaults.defaultAttempts,
      backoff: { type: 'exponential', delay: entry.backoffMs ?? defaults.defaultBackoffMs },
      removeOnComplete: { age: defaults.keepCompletedSeconds, count: defaults.keepCompletedCount },
      removeOnFail: { age: defaults.keepFailedSeconds },
    };
    if (request.priority !== undefined) opts.priority = request.priority;
    if (request.delayMs !== undefined && request.delayMs > 0) opts.delay = request.delayMs;
    return { request, queue: route.queue, id, data, opts };
  }

  // BullMQ keeps the first job of an id; a different request under the same key is a conflict.
  private async checkIdempotency(prepared: PreparedTask[]): Promise<void> {
    const conflicts: FieldIssue[] = [];
    for (const p of prepared) {
      const stored = (await Job.fromId(this.queue(p.queue), p.id).catch((err: unknown) => {
        throw this.redisError(err);
      })) as Job<TaskJobData> | undefined;
      if (stored && stored.data.fingerprint !== p.data.fingerprint) {
        conflicts.push({ path: p.id, message: String(p.request.idempotencyKey) });
      }
    }
    const first = prepared.find((p) => p.id === conflicts[0]?.path);
    if (first) throw new IdempotencyConflictError(String(first.request.idempotencyKey), first.id);
  }

  private assertRedisReady(): void {
    if (this.redis.status !== 'ready') throw new RedisUnavailableError();
  }

  private redisError(err: unknown): Error {
    if (err instanceof AppError) return err;
    return new RedisUnavailableError(err);
  }
}

function accepted(p: PreparedTask): EnqueuedTask {
  return { id: p.id, status: 'queued', capability: p.data.capability, queue: p.queue };
}

function fingerprint(request: TaskRequest): string {
  const { idempotencyKey: _key, ...rest } = request;
  return createHash('sha256').update(stableStringify(rest)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function toView(job: Job<TaskJobData, TaskJobResult>, queue: string, state: string): TaskView {
  const result = job.returnvalue as TaskJobResult | null | undefined;
  const view: TaskView = {
    id: String(job.id),
    status: statusOf(state),
    capability: job.data.capability,
    queue,
    input: job.data.input,
    attempts: job.attemptsMade,
    timings: { enqueuedAt: job.data.enqueuedAt ?? job.timestamp },
  };
  if (job.data.sessionId !== undefined) view.sessionId = job.data.sessionId;
  const agentId = result?.agentId ?? job.processedBy;
  if (agentId) view.agentId = agentId;
  if (job.progress !== undefined && job.progress !== 0) view.progress = job.progress;
  if (job.processedOn) view.timings.startedAt = result?.startedAt ?? job.processedOn;
  if (job.finishedOn) view.timings.finishedAt = result?.finishedAt ?? job.finishedOn;
  if (view.timings.startedAt)
    view.timings.waitMs = view.timings.startedAt - view.timings.enqueuedAt;
  if (view.timings.startedAt && view.timings.finishedAt) {
    view.timings.runMs = view.timings.finishedAt - view.timings.startedAt;
  }
  if (view.status === 'completed' && result) {
    view.result = result.output;
    if (result.usage) view.usage = result.usage;
  }
  if (view.status === 'failed') view.error = { message: job.failedReason };
  return view;
}

function statusOf(state: string): TaskView['status'] {
  switch (state) {
    case 'active':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      return 'queued';
  }
}
