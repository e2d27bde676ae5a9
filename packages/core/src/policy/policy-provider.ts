import {
  DEFAULT_POLICY_NAME,
  EMPTY_AGENT_POLICY,
  type AgentPolicy,
  type AppliedPolicy,
} from './policy-schema';

/** The policy that applies to one agent type, and where it comes from. */
export interface AgentPolicyView {
  /** The agent type asked about. */
  agentType: string;
  /** Version of the applied policy it is part of. */
  version: string;
  /** `own`: the type's own file; `default`: the `default` file; `none`: neither (deny all). */
  from: 'own' | 'default' | 'none';
  /** The policy. */
  policy: AgentPolicy;
}

/**
 * What enforces the tool policy reads it through: the policy of an agent type now, and word of
 * each change. `PolicyManager` is the implementation processes use.
 */
export interface PolicyProvider {
  /** The policy that applies to `agentType` now. */
  forAgent(agentType: string): AgentPolicyView;
  /** Calls `listener` after each change of the applied policy; returns what removes it. */
  onChange(listener: (applied: AppliedPolicy) => void): () => void;
}

/** The policy of `agentType` within `applied`: its own, else `default`, else deny all. */
export function agentPolicyView(applied: AppliedPolicy, agentType: string): AgentPolicyView {
  const own = Object.hasOwn(applied.policies, agentType) ? applied.policies[agentType] : undefined;
  if (own !== undefined) return { agentType, version: applied.version, from: 'own', policy: own };
  const fallback = applied.policies[DEFAULT_POLICY_NAME];
  if (fallback !== undefined) {
    return { agentType, version: applied.version, from: 'default', policy: fallback };
  }
  return { agentType, version: applied.version, from: 'none', policy: EMPTY_AGENT_POLICY };
}
