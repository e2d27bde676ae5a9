import { z } from 'zod';
import { MAX_INPUT_DEPTH, nestsDeeperThan } from './json-depth';
import type { TaskUsage } from '../costs/task-usage';
import { labelSetSchema } from '../labels/label-set';

/** Largest delay a task may ask for: 7 days. */
export const MAX_DELAY_MS = 7 * 24 * 3600 * 1000;

const label = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash or underscore');

/** The input of a task or a workflow run: a JSON object at most {@link MAX_INPUT_DEPTH} levels deep. */
export const inputRecordSchema = z
  .record(z.string(), z.unknown())
  .refine((input) => !nestsDeeperThan(input, MAX_INPUT_DEPTH), {
    message: `must not nest objects and arrays more than ${MAX_INPUT_DEPTH} levels deep`,
  });

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
    sessionId: label.max(128).optional(),
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
export type TaskRequest = z.infer<typeof taskRequestSchema>;

/** The body of `POST /v1/tasks/batch`. */
export const taskBatchRequestSchema = z.object({ tasks: z.array(z.unknown()).min(1) }).strict();

/** What a task's BullMQ job holds as its data. */
export interface TaskJobData {
  capability: string;
  input: Record<string, unknown>;
  sessionId?: string;
  requirements?: Record<string, string>;
  timeoutMs: number;
  /** Epoch ms when the API accepted the task. */
  enqueuedAt: number;
  /**
   * On tasks that run in session order: epoch ms when the task joined its session's order
   * (see `SessionOrder`).
   */
  orderedAt?: number;
  idempotencyKey?: string;
  /** The request's `budgetUsd`: most USD the task may spend on LLM calls. */
  budgetUsd?: number;
}

/** What a task's BullMQ job holds as its return value. */
export interface TaskJobResult {
  output: unknown;
  agentId: string;
  agentType: string;
  /** Epoch ms when the handler started and finished. */
  startedAt: number;
  finishedAt: number;
  usage?: TaskUsage;
}

/** Status of a task as the API reports it. */
export type TaskStatus = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled' | 'dead';

/** A task as the API reports it. */
export interface TaskView {
  id: string;
  status: TaskStatus;
  capability: string;
  queue: string;
  input: Record<string, unknown>;
  sessionId?: string;
  result?: unknown;
  error?: { message: string };
  attempts: number;
  agentId?: string;
  progress?: unknown;
  usage?: TaskUsage;
  /** Epoch ms when the task was cancelled (status `cancelled`). */
  cancelledAt?: number;
  /** Why it was cancelled (status `cancelled`). */
  cancelReason?: string;
  timings: {
    enqueuedAt: number;
    startedAt?: number;
    finishedAt?: number;
    waitMs?: number;
    runMs?: number;
  };
}

/** The answer to an accepted task. */
export interface EnqueuedTask {
  id: string;
  status: 'queued';
  capability: string;
  queue: string;
}
