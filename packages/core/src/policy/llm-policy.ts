/**
 * What a policy allows an agent type's LLM calls: the model tiers it may use, the tier to fall
 * back to when a call would go over budget, and a budget per task. The policy manager hands it
 * to the agent runtime through `AgentRuntimeOptions.llmPolicy`.
 */
export interface LlmPolicy {
  /** Tiers (`llm.models.<model>.tier`) the agent type may use. Default: every tier. */
  allowedTiers?: readonly string[];
  /**
   * Tier of a cheaper model to use instead when a call would go over a budget; it must be
   * allowed. Default: none (the call is refused with `budget_exceeded`).
   */
  fallbackTier?: string;
  /** Most USD one task of the agent type may spend on LLM calls. Default: no such budget. */
  taskBudgetUsd?: number;
}

/** The LLM policy of an agent type, or `undefined` when no policy constrains it. */
export type LlmPolicyLookup = (agentType: string) => LlmPolicy | undefined;
