import type { Job } from 'bullmq';
import type { LlmPolicyLookup, Logger, TaskJobData, TaskJobResult } from '@tta/core';
import type { TaskContext } from './define-agent';
import type { LlmGateway } from './llm/llm-gateway';
import type { TaskLlmClient } from './llm/task-llm-client';
import type { TaskTools } from './tools/task-tools';
import type { ToolCaller } from './tools/tool-caller';

/** What every task's context of one executor shares. */
export interface ExecutorTaskContextDeps {
  agentId: string;
  agentType: string;
  logger: Logger;
  llm: LlmGateway;
  llmPolicy?: LlmPolicyLookup;
  tools: ToolCaller;
}

/** An abort controller made only when its signal is first asked for. */
export class LazyAbort {
  private controller?: AbortController;
  private reason?: Error;

  /** The signal; aborted at once when made after {@link abort}. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts the signal, now or when it is made. */
  abort(reason: Error): void {
    this.reason ??= reason;
    this.controller?.abort(reason);
  }
}

/**
 * A handler's context. Its signal, logger, LLM client and tools are made on first use (the
 * getters live on the prototype, not on each object): most handlers need few of them, and
 * objects made for every task are measurable on the hot path.
 */
export class ExecutorTaskContext implements TaskContext {
  readonly agentId: string;
  readonly agentType: string;
  /** Reports progress; a bound function, so a handler may pass it around. */
  readonly progress: TaskContext['progress'];
  private logger?: Logger;
  private llmClient?: TaskLlmClient;
  private taskTools?: TaskTools;

  constructor(
    private readonly job: Job<TaskJobData, TaskJobResult>,
    private readonly abortable: LazyAbort,
    private readonly deps: ExecutorTaskContextDeps,
  ) {
    this.agentId = deps.agentId;
    this.agentType = deps.agentType;
    this.progress = (value) => job.updateProgress(value);
  }

  get signal(): AbortSignal {
    return this.abortable.signal;
  }

  get log(): Logger {
    const { job } = this;
    this.logger ??= this.deps.logger.child(
      job.data.sessionId === undefined
        ? { taskId: job.id }
        : { taskId: job.id, sessionId: job.data.sessionId },
    );
    return this.logger;
  }

  get llm(): TaskLlmClient {
    const { job, deps } = this;
    this.llmClient ??= deps.llm.forTask({
      taskId: String(job.id),
      sessionId: job.data.sessionId,
      owner: job.data.owner,
      agentType: deps.agentType,
      budgetUsd: job.data.budgetUsd,
      policy: deps.llmPolicy?.(deps.agentType),
      signal: this.abortable.signal,
      log: () => this.log,
    });
    return this.llmClient;
  }

  get tools(): TaskTools {
    this.taskTools ??= this.deps.tools.forTask({
      agentType: this.deps.agentType,
      taskId: String(this.job.id),
      signal: this.abortable.signal,
      log: () => this.log,
    });
    return this.taskTools;
  }

  /** Tokens and cost of the task's LLM calls; none when it made none. */
  llmUsage(): TaskLlmClient['usage'] {
    return this.llmClient?.usage;
  }
}
