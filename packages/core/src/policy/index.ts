/**
 * Policy: what agent types may do with tools and LLMs: parsed, stored, watched and served.
 */
export type { LlmPolicy, LlmPolicyLookup } from './llm-policy';
export {
  type ParsedPolicies,
  parsePolicies,
  type ParsePoliciesOptions,
  type PolicySources,
  policyVersion,
} from './parse-policies';
export {
  PolicyManager,
  type PolicyManagerEvents,
  type PolicyManagerOptions,
  type PolicyReload,
  type PolicyValidation,
} from './policy-manager';
export { type AgentPolicyView, agentPolicyView, type PolicyProvider } from './policy-provider';
export {
  type AgentPolicy,
  type AppliedPolicy,
  DEFAULT_TOOL_CONCURRENCY,
  DEFAULT_TOOL_TIMEOUT_MS,
  DOTTED_NAME,
  type PolicyPermissions,
  type ToolLimits,
} from './policy-schema';
export type { PolicyStatus } from './policy-store';
export { PolicyWatcher, type PolicyWatcherOptions } from './policy-watcher';
export { needsProblem, type ToolNeeds } from './tool-needs';
