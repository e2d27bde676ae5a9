import type { TaskUsage } from '../costs/task-usage';

/** What a task's BullMQ job holds as its data. */
export interface TaskJobData {
  capability: string;
  input: Record<string, unknown>;
  /** The owner of the API key that enqueued it (or of its workflow run); see `OwnerScope`. */
  owner?: string;
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
