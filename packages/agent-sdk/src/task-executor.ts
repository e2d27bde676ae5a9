import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import {
  BudgetExceededError,
  countTaskRun,
  jobHashKey,
  ModelNotAllowedError,
  TaskCancelledError,
  toError,
  ToolDeniedError,
  ValidationError,
  VersionConflictError,
  type LlmPolicyLookup,
  type Logger,
  type TaskJobData,
  type PayloadCodec,
  type RedisClient,
  type TaskJobResult,
} from '@tta/core';
import type { AgentTask, ResolvedAgentDefinition } from './define-agent';
import {
  ExecutorTaskContext,
  LazyAbort,
  type ExecutorTaskContextDeps,
} from './executor-task-context';
import { LlmGateway } from './llm/llm-gateway';
import type { TaskMetrics } from './task-metrics';
import { TaskTimeoutError } from './task-timeout-error';
import { ToolCaller } from './tools/tool-caller';
import { ToolRegistry } from './tools/tool-registry';

type TaskJob = Job<TaskJobData, TaskJobResult>;

/** What a {@link TaskExecutor} reports as tasks start and end. */
export interface TaskExecutorEvents {
  started(taskId: string, capability: string): void;
  completed(taskId: string, capability: string, runMs: number): void;
  failed(taskId: string, capability: string, error: Error): void;
}

/** Options of {@link TaskExecutor}. */
export interface TaskExecutorOptions {
  definition: ResolvedAgentDefinition;
  agentId: string;
  logger: Logger;
  metrics?: TaskMetrics;
  events: TaskExecutorEvents;
  /** Where the handlers' LLM calls (`ctx.llm`) go. Default: an offline {@link LlmGateway}. */
  llm?: LlmGateway;
  /** The LLM policy of the agent type, asked once per task. Default: none. */
  llmPolicy?: LlmPolicyLookup;
  /**
   * Runs the handlers' tool calls (`ctx.tools`). Default: a {@link ToolCaller} of the
   * definition's tools without a policy.
   */
  tools?: ToolCaller;
  /**
   * Decrypts the task's input for its handler and encrypts the configured fields of its
   * output before BullMQ stores it. Default: plain.
   */
  codec?: PayloadCodec;
  /**
   * Where each run of a task is counted (the task view's `runs`): the worker connection.
   * Default: none (runs are not counted).
   */
  connection?: RedisClient;
}

interface RunningTask {
  abort(reason: Error): void;
  handBack(): Promise<void>;
}

/**
 * Runs one agent's handlers for BullMQ jobs: builds the task and its context, enforces the
 * task's timeout, lets a task be aborted (cancellation, shutdown) or handed back to the queue,
 * and turns errors that no retry can fix into BullMQ's `UnrecoverableError`.
 */
export class TaskExecutor {
  private readonly running = new Map<string, RunningTask>();
  private readonly contextDeps: ExecutorTaskContextDeps;

  constructor(private readonly options: TaskExecutorOptions) {
    this.contextDeps = {
      agentId: options.agentId,
      agentType: options.definition.type,
      logger: options.logger,
      llm: options.llm ?? new LlmGateway(),
      llmPolicy: options.llmPolicy,
      tools:
        options.tools ?? new ToolCaller({ registry: new ToolRegistry(options.definition.tools) }),
    };
  }

  /** Tasks running now. */
  get size(): number {
    return this.running.size;
  }

  /** Ids of the tasks running now. */
  ids(): IterableIterator<string> {
    return this.running.keys();
  }

  /** Aborts a running task (no-op when it does not run here). */
  abort(taskId: string, reason: Error): void {
    this.running.get(taskId)?.abort(reason);
  }

  /** Moves every running task back to the wait list and stops its handler. */
  async handBackAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((task) => task.handBack()));
  }

  /** Runs the handler for `job` and returns what BullMQ stores as its result. */
  async execute(job: TaskJob, token?: string): Promise<TaskJobResult> {
    const taskId = String(job.id);
    const { capability, timeoutMs } = job.data;
    const { definition, agentId, metrics, events } = this.options;
    const abortable = new LazyAbort();
    const ctx = new ExecutorTaskContext(job, abortable, this.contextDeps);
    // Aborting also rejects the task's promise at once, so a handler ignoring its signal is cut off.
    let abort!: (reason: Error) => void;
    const work = new Promise<unknown>((resolve, reject) => {
      abort = (reason) => {
        abortable.abort(reason);
        reject(reason);
      };
      this.runHandler(job, ctx).then(resolve, reject);
    });
    const timer = setTimeout(() => abort(new TaskTimeoutError(taskId, timeoutMs)), timeoutMs);
    this.running.set(taskId, { abort, handBack: () => this.handBack(job, token, abort) });
    const startedAt = Date.now();
    this.countRun(job);
    metrics?.started(definition.type, capability, startedAt - job.data.enqueuedAt);
    events.started(taskId, capability);
    try {
      const output = await work;
      const finishedAt = Date.now();
      metrics?.finished(definition.type, capability, finishedAt - startedAt, true);
      events.completed(taskId, capability, finishedAt - startedAt);
      const usage = ctx.llmUsage();
      const stored = this.options.codec ? this.options.codec.encodeOutput(output) : output;
      const result = { output: stored, agentId, agentType: definition.type, startedAt, finishedAt };
      return usage ? { ...result, usage } : result;
    } catch (err) {
      const error = toError(err);
      if (error instanceof WaitingError) throw error;
      metrics?.finished(definition.type, capability, Date.now() - startedAt, false);
      events.failed(taskId, capability, error);
      throw retryable(error) ? error : new UnrecoverableError(error.message);
    } finally {
      clearTimeout(timer);
      this.running.delete(taskId);
    }
  }

  // Not awaited: the command goes out on the worker connection ahead of the job's completion,
  // so the count is in before the task reads as finished.
  private countRun(job: TaskJob): void {
    const { connection, logger } = this.options;
    if (!connection) return;
    countTaskRun(connection, jobHashKey(job.queueQualifiedName, String(job.id))).then(
      (runs) => {
        // A run beyond the failed attempts: the previous one lost its lock while running.
        if (runs > job.attemptsMade + 1) {
          logger.warn('task runs again without a failed attempt', { taskId: job.id, runs });
        }
      },
      (err: unknown) =>
        logger.warn('could not count a task run', { taskId: job.id, error: toError(err).message }),
    );
  }

  // Moves a running job back to the wait list while this agent still holds its lock, so that
  // another agent takes it at once instead of after the lock expires; then stops the handler.
  private async handBack(
    job: TaskJob,
    token: string | undefined,
    abort: (reason: Error) => void,
  ): Promise<void> {
    try {
      await job.moveToWait(token);
      this.options.logger.info('task handed back', { taskId: job.id });
      abort(new WaitingError('agent stopping: task handed back'));
    } catch (err) {
      this.options.logger.warn('hand-back failed: the task is retried once its lock expires', {
        taskId: job.id,
        error: toError(err).message,
      });
      abort(new Error('agent stopping'));
    }
  }

  private async runHandler(job: TaskJob, ctx: ExecutorTaskContext): Promise<unknown> {
    const task = taskOf(job);
    if (this.options.codec) task.input = this.options.codec.decode(task.input);
    return this.options.definition.handler(task, ctx);
  }
}

function taskOf(job: TaskJob): AgentTask {
  const task: AgentTask = {
    id: String(job.id),
    capability: job.data.capability,
    input: job.data.input,
    attempt: job.attemptsMade + 1,
  };
  if (job.data.sessionId !== undefined) task.sessionId = job.data.sessionId;
  if (job.data.requirements !== undefined) task.requirements = job.data.requirements;
  // Only workflow runs add tasks as children.
  if (job.parent) task.workflowRunId = job.parent.id;
  return task;
}

// Bad input, a lost race against an explicit expected version, an LLM call its budget or
// policy refuses and a tool call the tool policy denies fail the same way every time; a
// cancelled task must not run again.
function retryable(error: Error): boolean {
  return !(
    error instanceof ValidationError ||
    error instanceof VersionConflictError ||
    error instanceof TaskCancelledError ||
    error instanceof BudgetExceededError ||
    error instanceof ModelNotAllowedError ||
    error instanceof ToolDeniedError
  );
}
