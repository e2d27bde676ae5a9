/** The body of `POST /v1/tasks`. */
export interface TaskInput {
  /** The capability to run, e.g. `narrative.generate`. */
  capability: string;
  /** The capability's input, e.g. `{ text: 'I look around' }`. */
  input: Record<string, unknown>;
  /** 1 (most urgent) to 1000. */
  priority?: number;
  /** Wait this long before the task may run. */
  delayMs?: number;
  /** Abort the handler after this long (default per capability). */
  timeoutMs?: number;
  /** The player session the task belongs to. */
  sessionId?: string;
  /** Same key, same capability and body: the same task, enqueued once. */
  idempotencyKey?: string;
  /** Labels the serving agent must carry, e.g. `{ tier: 'fast' }`. */
  requirements?: Record<string, string>;
  /** Most USD the task may spend on LLM calls (the smallest of it and the configured budgets applies). */
  budgetUsd?: number;
}

/** The answer to an accepted task. */
export interface EnqueuedTask {
  /** The task id: `<queue>~<uuid>`, or `<queue>~<shard>~<uuid>` past shard 0. */
  id: string;
  /** Always `queued`: the task's job is stored in Redis. */
  status: 'queued';
  /** The capability it runs. */
  capability: string;
  /** The queue the router chose. */
  queue: string;
}

/** Status of a task. */
export type TaskStatus = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled' | 'dead';

/** Token usage and cost of a task or run. */
export interface Usage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
  /** Cost in US dollars. */
  costUsd: number;
}

/** When a task was accepted, started and finished (epoch ms), and how long it waited and ran. */
export interface TaskTimings {
  /** When the API accepted it. */
  enqueuedAt: number;
  /** When its handler (last) started. */
  startedAt?: number;
  /** When it finished. */
  finishedAt?: number;
  /** From acceptance to start. */
  waitMs?: number;
  /** From start to finish. */
  runMs?: number;
}

/** A task as the API reports it (`GET /v1/tasks/:id`). */
export interface Task {
  /** The task id. */
  id: string;
  /** Where it is: `queued`, `active`, `completed`, `failed`, `cancelled` or `dead`. */
  status: TaskStatus;
  /** The capability it runs. */
  capability: string;
  /** The queue it is in. */
  queue: string;
  /** Its input, as validated. */
  input: Record<string, unknown>;
  /** Its player session. */
  sessionId?: string;
  /** The handler's output (status `completed`). */
  result?: unknown;
  /** Why it failed (status `failed` or `dead`). */
  error?: { message: string };
  /** Attempts made so far. */
  attempts: number;
  /** The agent that ran (or runs) it. */
  agentId?: string;
  /** The last progress its handler reported: a number 0-100 or an object. */
  progress?: unknown;
  /** Its token usage and cost, for LLM-backed handlers. */
  usage?: Usage;
  /** Epoch ms when the task was cancelled (status `cancelled`). */
  cancelledAt?: number;
  /** Why it was cancelled. */
  cancelReason?: string;
  /** Its timings. */
  timings: TaskTimings;
}

/** The answer to a cancellation of a task or a run. */
export interface Cancelled {
  /** The cancelled task or run. */
  id: string;
  /** Always `cancelled`. */
  status: 'cancelled';
}

/** A task as it was enqueued, kept with its dead-letter entry. */
export interface DeadLetteredTask {
  /** The capability. */
  capability: string;
  /** Its input. */
  input: Record<string, unknown>;
  /** Its player session. */
  sessionId?: string;
  /** Its requirements. */
  requirements?: Record<string, string>;
  /** Its handler timeout. */
  timeoutMs: number;
  /** Epoch ms when the API accepted it. */
  enqueuedAt: number;
  /** Its idempotency key. */
  idempotencyKey?: string;
}

/** A dead-lettered task (`GET /v1/dead-letter`). */
export interface DeadLetterEntry {
  /** The task id. */
  id: string;
  /** The capability. */
  capability: string;
  /** The queue it failed in, and goes back to on retry. */
  queue: string;
  /** The task as it was enqueued. */
  task: DeadLetteredTask;
  /** The last attempt's error. */
  error: { message: string; stack?: string };
  /** Attempts made. */
  attempts: number;
  /** The agent of the last attempt. */
  agentId?: string;
  /** Epoch ms of the final failure. */
  failedAt: number;
  /** Epoch ms when it entered the dead-letter queue. */
  deadLetteredAt: number;
}

/** One page of the dead-letter queue, newest first. */
export interface DeadLetterPage {
  /** The entries of the page. */
  entries: DeadLetterEntry[];
  /** Entries in the whole queue (of the capability, when filtered). */
  total: number;
}

/** Which page of the dead-letter queue `TtaClient.deadLetters` reads. */
export interface DeadLetterListOptions {
  /** Index of the first entry. Default: 0. */
  start?: number;
  /** Entries per page, 1 to 1000. Default: 50. */
  limit?: number;
  /** Only the entries of this capability. */
  capability?: string;
}
