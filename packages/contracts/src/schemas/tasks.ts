import { z } from 'zod';
import {
  epochMsSchema,
  inputRecordSchema,
  labelSetSchema,
  labelsSchema,
  sessionIdSchema,
  usageSchema,
} from './common';

/** Largest delay a task may ask for: 7 days. */
export const MAX_DELAY_MS = 7 * 24 * 3600 * 1000;

/** Longest reason a cancellation may give, in characters. */
export const MAX_CANCEL_REASON_LENGTH = 256;

/** The body of `POST /v1/tasks`. */
export const taskRequestSchema = z
  .object({
    /** The capability to run, e.g. `narrative.generate`. */
    capability: z.string().min(1).max(128),
    /** The capability's input; its shape is checked against the capability's schema. */
    input: inputRecordSchema,
    /** 1 (most urgent) to 1000; without it, tasks run in arrival order ahead of none. */
    priority: z.number().int().min(1).max(1000).optional(),
    /** Wait this long before the task may run. */
    delayMs: z.number().int().min(0).max(MAX_DELAY_MS).optional(),
    /** Abort the handler after this long (default per capability). */
    timeoutMs: z.number().int().min(1).optional(),
    /** The player session the task belongs to. */
    sessionId: sessionIdSchema.optional(),
    /** Same key, same capability: the same task, enqueued once. */
    idempotencyKey: z.string().min(1).max(256).optional(),
    /** Labels the serving agent must carry, e.g. `{ "tier": "fast" }` (at most 3, as agents carry). */
    requirements: labelSetSchema.optional(),
    /**
     * Most USD the task may spend on LLM calls; the smallest of it, config
     * `costs.budgets.taskUsd` and the agent type's policy applies.
     */
    budgetUsd: z.number().positive().max(1_000_000).optional(),
  })
  .strict();

/** A validated task request. */
export type TaskRequest = z.output<typeof taskRequestSchema>;

/** The body of `POST /v1/tasks` as a caller writes it. */
export type TaskInput = z.input<typeof taskRequestSchema>;

/** The body of `POST /v1/tasks/batch`; each item is checked as a {@link TaskRequest}. */
export const taskBatchRequestSchema = z.object({ tasks: z.array(z.unknown()).min(1) }).strict();

/** `202` answer of an accepted task. */
export const enqueuedTaskSchema = z.object({
  id: z.string().describe('`<queue>~<uuid>`, or `<queue>~<shard>~<uuid>` past shard 0'),
  status: z.literal('queued'),
  capability: z.string(),
  queue: z.string(),
});

/** The answer to an accepted task. */
export type EnqueuedTask = z.output<typeof enqueuedTaskSchema>;

/** `202` answer of a batch: every task, in the order given. */
export const enqueuedTasksSchema = z.object({ tasks: z.array(enqueuedTaskSchema) });

/** Statuses of a task as the API reports them. */
export const TASK_STATUSES = [
  'queued',
  'active',
  'completed',
  'failed',
  'cancelled',
  'dead',
] as const;

/** Status of a task as the API reports it. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** When a task was accepted, started and finished (epoch ms), and how long it waited and ran. */
export const taskTimingsSchema = z.object({
  enqueuedAt: epochMsSchema,
  startedAt: epochMsSchema.optional(),
  finishedAt: epochMsSchema.optional(),
  waitMs: z.number().optional(),
  runMs: z.number().optional(),
});

/** When a task was accepted, started and finished, and how long it waited and ran. */
export type TaskTimings = z.output<typeof taskTimingsSchema>;

/** A task as `GET /v1/tasks/:id` reads it. */
export const taskViewSchema = z.object({
  id: z.string(),
  status: z.enum(TASK_STATUSES),
  capability: z.string(),
  queue: z.string(),
  input: z.record(z.string(), z.unknown()),
  sessionId: z.string().optional(),
  result: z.unknown().optional().describe('the capability output (status `completed`)'),
  error: z.object({ message: z.string() }).optional(),
  attempts: z.number().int(),
  runs: z
    .number()
    .int()
    .optional()
    .describe(
      'times a handler started for this task; more than `attempts` when a run was repeated without failing (its agent died or Redis stalled); absent once the job is gone',
    ),
  agentId: z.string().optional(),
  progress: z.unknown().optional().describe('last reported progress: 0-100 or an object'),
  usage: usageSchema.optional(),
  cancelledAt: epochMsSchema.optional(),
  cancelReason: z.string().optional(),
  timings: taskTimingsSchema,
});

/** A task as the API reports it. */
export type TaskView = z.output<typeof taskViewSchema>;

/**
 * The query of `DELETE /v1/tasks/:id` and `DELETE /v1/workflow-runs/:id`: an optional
 * `reason`, given once, kept with the cancelled task or run.
 */
export const cancelQuerySchema = z.object({
  reason: z
    .string({ error: 'must be given once, as text' })
    .max(MAX_CANCEL_REASON_LENGTH, `must be at most ${MAX_CANCEL_REASON_LENGTH} characters`)
    .optional(),
});

/** `202` answer of a cancellation (task or run). */
export const cancelledSchema = z.object({
  id: z.string(),
  status: z.literal('cancelled'),
});

/** The answer to a cancellation of a task or a run. */
export type Cancelled = z.output<typeof cancelledSchema>;

/** The query of `GET /v1/dead-letter`: the page (`start`, `limit`) and a capability filter. */
export const deadLetterQuerySchema = z
  .object({
    start: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    capability: z.string().min(1).max(128).optional(),
  })
  .strict();

/** A task as it was enqueued, kept with its dead-letter entry. */
export const deadLetteredTaskSchema = z.object({
  capability: z.string(),
  input: z.record(z.string(), z.unknown()),
  sessionId: z.string().optional(),
  requirements: labelsSchema.optional(),
  timeoutMs: z.number().int(),
  enqueuedAt: epochMsSchema,
  orderedAt: epochMsSchema.optional(),
  idempotencyKey: z.string().optional(),
});

/** A task as it was enqueued, kept with its dead-letter entry. */
export type DeadLetteredTask = z.output<typeof deadLetteredTaskSchema>;

/** A dead-lettered task. */
export const deadLetterEntrySchema = z.object({
  id: z.string(),
  capability: z.string(),
  queue: z.string(),
  task: deadLetteredTaskSchema,
  error: z.object({ message: z.string(), stack: z.string().optional() }),
  attempts: z.number().int(),
  agentId: z.string().optional(),
  failedAt: epochMsSchema,
  deadLetteredAt: epochMsSchema,
});

/** A dead-lettered task as the API lists it. */
export type DeadLetterEntry = z.output<typeof deadLetterEntrySchema>;

/** One page of the dead-letter queue. */
export const deadLetterPageSchema = z.object({
  entries: z.array(deadLetterEntrySchema),
  total: z.number().int(),
});

/** One page of the dead-letter queue, with the total. */
export type DeadLetterPage = z.output<typeof deadLetterPageSchema>;
