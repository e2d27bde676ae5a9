import type { Job, JobsOptions } from 'bullmq';
import type { TaskJobData } from './task';
import type { TaskView } from '@tta/contracts';

/** Why a dead-lettered task failed for the last time. */
export interface DeadLetterError {
  /** BullMQ's `failedReason` of the last attempt. */
  message: string;
  /** Stack trace of the last attempt, when its error had one. */
  stack?: string;
}

/** The job options a dead-lettered task gets back when it is retried (attempts start afresh). */
export type DeadLetterRetryOptions = Pick<
  JobsOptions,
  'attempts' | 'backoff' | 'priority' | 'removeOnComplete' | 'removeOnFail'
>;

/** What a job of the dead-letter queue holds as its data. */
export interface DeadLetterJobData {
  /** The id of the failed task; also the id of its dead-letter job. */
  taskId: string;
  /** The queue the task failed in. */
  queue: string;
  capability: string;
  /** The task as it was enqueued (the failed job's data). */
  task: TaskJobData;
  /** The last attempt's error. */
  error: DeadLetterError;
  /** Attempts made before the task was given up. */
  attempts: number;
  /** The agent that ran the last attempt, when one did. */
  agentId?: string;
  /** Epoch ms of the final failure. */
  failedAt: number;
  /** Options of the original job, given back on retry. */
  retryOptions: DeadLetterRetryOptions;
}

/** A dead-lettered task as the API reports it. */
export interface DeadLetterEntry {
  /** The task id (the same as in the task's queue). */
  id: string;
  capability: string;
  /** The queue the task failed in, and goes back to on retry. */
  queue: string;
  /** The task as it was enqueued: capability, input, sessionId, timeoutMs... */
  task: TaskJobData;
  error: DeadLetterError;
  attempts: number;
  agentId?: string;
  /** Epoch ms of the final failure. */
  failedAt: number;
  /** Epoch ms when it entered the dead-letter queue. */
  deadLetteredAt: number;
}

const RETRY_OPTION_KEYS = [
  'attempts',
  'backoff',
  'priority',
  'removeOnComplete',
  'removeOnFail',
] as const satisfies ReadonlyArray<keyof DeadLetterRetryOptions>;

/** The dead-letter data of a task's failed job in `queue`. */
export function deadLetterDataOf(job: Job<TaskJobData>, queue: string): DeadLetterJobData {
  const error: DeadLetterError = { message: job.failedReason || 'failed without a reason' };
  const stack = job.stacktrace?.at(-1);
  if (stack) error.stack = stack;
  const retryOptions: DeadLetterRetryOptions = {};
  for (const key of RETRY_OPTION_KEYS) {
    if (job.opts[key] !== undefined) Object.assign(retryOptions, { [key]: job.opts[key] });
  }
  const data: DeadLetterJobData = {
    taskId: String(job.id),
    queue,
    capability: job.data.capability,
    task: job.data,
    error,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ?? Date.now(),
    retryOptions,
  };
  if (job.processedBy) data.agentId = job.processedBy;
  return data;
}

/** The entry of a dead-letter job. */
export function toDeadLetterEntry(job: Job<DeadLetterJobData>): DeadLetterEntry {
  const { data } = job;
  const entry: DeadLetterEntry = {
    id: data.taskId,
    capability: data.capability,
    queue: data.queue,
    task: data.task,
    error: data.error,
    attempts: data.attempts,
    failedAt: data.failedAt,
    deadLetteredAt: job.timestamp,
  };
  if (data.agentId !== undefined) entry.agentId = data.agentId;
  return entry;
}

/** How a dead-lettered task reads through `GET /v1/tasks/:id`: status `dead`. */
export function deadLetterView(entry: DeadLetterEntry): TaskView {
  const view: TaskView = {
    id: entry.id,
    status: 'dead',
    capability: entry.capability,
    queue: entry.queue,
    input: entry.task.input,
    error: { message: entry.error.message },
    attempts: entry.attempts,
    timings: { enqueuedAt: entry.task.enqueuedAt, finishedAt: entry.failedAt },
  };
  if (entry.task.sessionId !== undefined) view.sessionId = entry.task.sessionId;
  if (entry.agentId !== undefined) view.agentId = entry.agentId;
  return view;
}
