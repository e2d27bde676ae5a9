import {
  LlmRequestError,
  toError,
  type CostLedger,
  type CostSpend,
  type LlmModelConfig,
  type LlmPolicy,
  type Logger,
  type TaskUsage,
} from '@tta/core';
import type { Registry } from 'prom-client';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';
import type { LlmCallMemo, MemoizedCall } from './llm-call-memo';
import type { LlmCompletion, LlmProvider, LlmRequest } from './llm-provider';
import { LlmMetrics } from './llm-metrics';
import { ModelCatalog, type ModelChoice } from './model-catalog';
import { OfflineProvider } from './offline-provider';
import { TaskLlmClient } from './task-llm-client';

/** LLM budgets of config `costs.budgets`, in USD; `null` or absent: none. */
export interface LlmBudgets {
  /** Most a session may spend. */
  sessionUsd?: number | null;
  /** Most one task may spend. */
  taskUsd?: number | null;
}

/** Options of {@link LlmGateway}. */
export interface LlmGatewayOptions {
  /** Where completions come from. Default: an {@link OfflineProvider}. */
  provider?: LlmProvider;
  /** What `ctx.llm.enabled` reads: whether agents should take their LLM path. Default: whether the provider is not the offline one. */
  enabled?: boolean;
  /** Model name to tier and prices (config `llm.models`). Default: none. */
  models?: Readonly<Record<string, Readonly<LlmModelConfig>>>;
  /** Model of calls that name neither a model nor a tier. Default: the provider's default model. */
  defaultModel?: string;
  /** The circuit breaker of the provider (named after it); it counts 429, 5xx, timeouts and network errors. Default: 5 failures, 60,000 ms open, 1 trial call. */
  breaker?: Omit<CircuitBreakerOptions, 'name' | 'isFailure'>;
  /** Where each call's usage and cost are recorded, and budgets read spend from. Default: none (budgets count only the current attempt). */
  ledger?: CostLedger;
  /**
   * Where completed calls are kept for a later run of the same task, which gets them back
   * instead of calling the model and paying again; with a ledger, each call's cost is then
   * recorded once per task and call. Default: none (a task that runs again calls again).
   */
  memo?: LlmCallMemo;
  /** Budgets that apply to every task and session. Default: none. */
  budgets?: LlmBudgets;
  /** Output tokens a call without `maxTokens` is assumed to produce, for budget estimates. Default: 256. */
  estimatedOutputTokens?: number;
  /** Where `tta_tokens_total` and `tta_cost_usd_total` go. Default: none. */
  metrics?: Registry;
  /** Breaker changes and ledger failures. Default: none. */
  logger?: Logger;
}

/** The task a {@link TaskLlmClient} makes calls for. */
export interface LlmTaskScope {
  taskId: string;
  sessionId?: string;
  /** The task's owner: its costs are also counted in that owner's report. */
  owner?: string | undefined;
  agentType: string;
  /** The task's own budget (its request's `budgetUsd`), in USD. */
  budgetUsd?: number;
  /** What the agent type's policy allows. */
  policy?: LlmPolicy;
  /** The task's abort signal: every call of the task ends with it. */
  signal: AbortSignal;
  /** The task's logger. */
  log: () => Logger;
}

/**
 * The way every LLM call of an agent process goes: one provider behind one circuit breaker, the
 * model catalog with prices, budgets, the cost ledger and the token and cost metrics. Each task
 * gets its own {@link TaskLlmClient} (`ctx.llm`) from {@link forTask}.
 */
export class LlmGateway {
  /** Whether agents should take their LLM path (a real provider is configured). */
  readonly enabled: boolean;
  /** Where completions come from. */
  readonly provider: LlmProvider;
  /** The provider's circuit breaker. */
  readonly breaker: CircuitBreaker;
  /** The models with their tiers and prices. */
  readonly catalog: ModelCatalog;
  /** Budgets of every task and session. */
  readonly budgets: Readonly<LlmBudgets>;
  private readonly ledger?: CostLedger;
  private readonly memo?: LlmCallMemo;
  private readonly metrics?: LlmMetrics;
  private readonly logger?: Logger;

  constructor(options: LlmGatewayOptions = {}) {
    this.provider = options.provider ?? new OfflineProvider();
    this.enabled = options.enabled ?? !(this.provider instanceof OfflineProvider);
    this.catalog = new ModelCatalog({
      models: options.models,
      defaultModel: options.defaultModel || this.provider.defaultModel,
      estimatedOutputTokens: options.estimatedOutputTokens,
    });
    this.breaker = new CircuitBreaker({
      ...options.breaker,
      name: this.provider.name,
      isFailure: (err) => err instanceof LlmRequestError && err.retryable,
      onStateChange: (state, previous) => {
        options.breaker?.onStateChange?.(state, previous);
        this.logger?.warn('LLM circuit breaker changed state', {
          provider: this.provider.name,
          state,
          previous,
        });
      },
    });
    this.budgets = { ...options.budgets };
    this.ledger = options.ledger;
    this.memo = options.memo;
    this.metrics = options.metrics && new LlmMetrics(options.metrics);
    this.logger = options.logger;
  }

  /** The `ctx.llm` of one task. */
  forTask(scope: LlmTaskScope): TaskLlmClient {
    return new TaskLlmClient(this, scope);
  }

  /** Calls the provider through the breaker. */
  call(request: LlmRequest & { model: string; signal: AbortSignal }): Promise<LlmCompletion> {
    return this.breaker.run(() => this.provider.complete(request));
  }

  /** What the task (over all its attempts, with a ledger) and its session have spent so far. */
  async spend(scope: LlmTaskScope): Promise<CostSpend> {
    if (!this.ledger) return { taskUsd: 0, sessionUsd: 0 };
    return this.ledger.spend({ taskId: scope.taskId, sessionId: scope.sessionId });
  }

  /**
   * The call `callId` of the task, when an earlier run of it completed the call; a memo that
   * cannot be read is logged and the call is made again.
   */
  async recall(scope: LlmTaskScope, callId: string): Promise<MemoizedCall | undefined> {
    if (!this.memo) return undefined;
    try {
      const call = await this.memo.recall(scope.taskId, callId);
      if (call) scope.log().info('LLM call reused from an earlier run of the task', { callId });
      return call;
    } catch (err) {
      scope.log().warn('LLM call memo: could not read', { error: toError(err).message });
      return undefined;
    }
  }

  /**
   * Prices a call and records it in the ledger and the metrics, once per task and `callId`
   * with a memo (which keeps the call for a later run); a ledger that cannot be written is
   * logged, not thrown: the call happened and the task keeps its result.
   */
  async record(
    scope: LlmTaskScope,
    choice: ModelChoice,
    completion: LlmCompletion,
    callId: string,
  ): Promise<TaskUsage> {
    const costUsd = this.catalog.costUsd(choice.model, completion.usage);
    const usage = { ...completion.usage, costUsd };
    this.metrics?.record(scope.agentType, choice.model, completion.usage, costUsd);
    const { memo, ledger } = this;
    const once = memo && {
      key: memo.key(scope.taskId),
      field: callId,
      value: memo.encode({ completion, usage }),
      ttlMs: memo.ttlMs,
    };
    try {
      if (ledger) {
        await ledger.record(
          {
            taskId: scope.taskId,
            sessionId: scope.sessionId,
            ...(scope.owner !== undefined && { owner: scope.owner }),
            agentType: scope.agentType,
            model: choice.model,
            ...usage,
          },
          once,
        );
      } else {
        await memo?.store(scope.taskId, callId, { completion, usage });
      }
    } catch (err) {
      scope
        .log()
        .warn('cost ledger: could not record an LLM call', { error: toError(err).message });
    }
    return usage;
  }
}
