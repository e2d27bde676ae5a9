import { BudgetExceededError, type BudgetKind, type TaskUsage } from '@tta/core';
import { LlmCallIds } from './llm-call-memo';
import type { LlmCompletion, LlmRequest } from './llm-provider';
import type { LlmGateway, LlmTaskScope } from './llm-gateway';
import type { ModelChoice } from './model-catalog';

/** What a handler calls LLMs through: `ctx.llm`. */
export interface LlmClient {
  /**
   * Whether a real provider is configured; with the offline one, agents that have a rule-based
   * path should take it.
   */
  readonly enabled: boolean;
  /**
   * Completes a prompt under the agent type's policy and the budgets: the model is checked
   * against the allowed tiers; a call whose estimate would go over the task's or the session's
   * budget falls back to a cheaper model of the policy's fallback tier, or is refused with
   * `BudgetExceededError` (the task is not retried). Tokens and cost go to the task's usage and
   * the cost ledger. A call that an earlier run of the same task completed (same request, same
   * place among equal requests) returns that run's response without calling the model or
   * paying again, when the gateway has a memo.
   */
  complete(request: LlmRequest): Promise<LlmCompletion>;
}

interface Overrun {
  budget: BudgetKind;
  limitUsd: number;
  spentUsd: number;
}

interface BudgetLimits {
  taskUsd?: number;
  sessionUsd?: number;
}

/** The first budget that spending `estimateUsd` more would go over, if any. */
function overrunOf(
  limits: BudgetLimits,
  spent: { taskUsd: number; sessionUsd: number },
  estimateUsd: number,
): Overrun | undefined {
  if (limits.taskUsd !== undefined && spent.taskUsd + estimateUsd > limits.taskUsd) {
    return { budget: 'task', limitUsd: limits.taskUsd, spentUsd: spent.taskUsd };
  }
  if (limits.sessionUsd !== undefined && spent.sessionUsd + estimateUsd > limits.sessionUsd) {
    return { budget: 'session', limitUsd: limits.sessionUsd, spentUsd: spent.sessionUsd };
  }
  return undefined;
}

/** The `ctx.llm` of one task: its calls, budgets and summed usage. */
export class TaskLlmClient implements LlmClient {
  private spent: TaskUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private calls = 0;
  private readonly callIds = new LlmCallIds();

  constructor(
    private readonly gateway: LlmGateway,
    private readonly scope: LlmTaskScope,
  ) {}

  /** Whether a real provider is configured (see {@link LlmClient.enabled}). */
  get enabled(): boolean {
    return this.gateway.enabled;
  }

  /** Tokens and cost of this attempt's calls, summed; `undefined` before the first call. */
  get usage(): TaskUsage | undefined {
    return this.calls === 0 ? undefined : { ...this.spent };
  }

  /** Completes a prompt under the policy and the budgets (see {@link LlmClient.complete}). */
  async complete(request: LlmRequest): Promise<LlmCompletion> {
    const { scope, gateway } = this;
    const signal = request.signal ? AbortSignal.any([request.signal, scope.signal]) : scope.signal;
    signal.throwIfAborted();
    const selected = gateway.catalog.select(request, scope.agentType, scope.policy);
    const callId = this.callIds.next(request);
    // A call an earlier run of the task completed is neither made nor paid again.
    const reused = await gateway.recall(scope, callId);
    if (reused) {
      this.add(reused.usage);
      return reused.completion;
    }
    const choice = await this.withinBudget(request, selected);
    const completion = await gateway.call({ ...request, model: choice.model, signal });
    this.add(await gateway.record(scope, choice, completion, callId));
    return completion;
  }

  private add(usage: TaskUsage): void {
    this.calls += 1;
    this.spent = {
      inputTokens: this.spent.inputTokens + usage.inputTokens,
      outputTokens: this.spent.outputTokens + usage.outputTokens,
      costUsd: this.spent.costUsd + usage.costUsd,
    };
  }

  // The model to call: `choice` if its estimate fits every budget, else a cheaper one of the
  // policy's fallback tier that fits; throws BudgetExceededError when there is none.
  private async withinBudget(request: LlmRequest, choice: ModelChoice): Promise<ModelChoice> {
    const limits = this.limits();
    if (limits.taskUsd === undefined && limits.sessionUsd === undefined) return choice;
    const stored = await this.gateway.spend(this.scope);
    // The ledger holds earlier attempts too; this attempt's own calls count even if the ledger
    // missed one.
    const spent = { ...stored, taskUsd: Math.max(stored.taskUsd, this.spent.costUsd) };
    const overrun = (estimateUsd: number) => overrunOf(limits, spent, estimateUsd);
    const estimateUsd = this.gateway.catalog.estimateUsd(choice.model, request);
    const over = overrun(estimateUsd);
    if (!over) return choice;
    const fallback = this.gateway.catalog.cheaperFallback(
      choice,
      request,
      this.scope.policy,
      (usd) => overrun(usd) === undefined,
    );
    if (fallback) {
      this.scope.log().info('LLM call over budget: falling back to a cheaper model', {
        budget: over.budget,
        from: choice.model,
        to: fallback.model,
        tier: fallback.tier,
      });
      return fallback;
    }
    const { taskId, sessionId } = this.scope;
    throw new BudgetExceededError({
      ...over,
      estimateUsd,
      taskId,
      ...(sessionId !== undefined && { sessionId }),
    });
  }

  // The task's budget is the smallest of its request's, config's and its policy's.
  private limits(): BudgetLimits {
    const { budgets } = this.gateway;
    const task = [this.scope.budgetUsd, budgets.taskUsd, this.scope.policy?.taskBudgetUsd].filter(
      (usd): usd is number => typeof usd === 'number',
    );
    const sessionUsd =
      this.scope.sessionId === undefined ? undefined : (budgets.sessionUsd ?? undefined);
    return {
      ...(task.length > 0 && { taskUsd: Math.min(...task) }),
      ...(sessionUsd !== undefined && { sessionUsd }),
    };
  }
}
