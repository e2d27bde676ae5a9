import type { Usage } from './task-types';

/** The tool policy of one agent type. */
export interface AgentToolPolicy {
  /** What the policy is for. */
  description?: string;
  /** The tools it may call, by name: a call's timeout and the calls at once per process. */
  tools: Record<string, { timeoutMs: number; concurrency: number }>;
  /** What its tools may reach. */
  permissions: {
    /** `none`, or the hosts it may reach. */
    network: 'none' | { allow: string[] };
    /** `none`, or the paths it may read and write. */
    filesystem: 'none' | { read: string[]; write: string[] };
    /** Whether it may start processes. */
    process: boolean;
  };
  /** By capability: at most `max` tasks started per `durationMs` on each of its queues. */
  rateLimits: Record<string, { max: number; durationMs: number }>;
  /** Most a task, and a session, may spend on LLM calls, in US dollars. */
  budgets: { taskUsd?: number; sessionUsd?: number };
  /** The model tiers it may use. */
  models?: { allowedTiers: string[]; fallbackTier?: string };
}

/** The applied tool policy (`GET /v1/policy`). */
export interface AppliedPolicy {
  /** Hash of `policies`. */
  version: string;
  /** Epoch ms when this version was applied. */
  loadedAt: number;
  /** Where it was read from, and what applied it. */
  source: string;
  /** By agent type; `default` applies to types without their own. */
  policies: Record<string, AgentToolPolicy>;
}

/** The applied policy's version, and the last refused reload (`GET /v1/policy/status`). */
export interface PolicyStatus {
  /** Version of the applied policy. */
  version: string;
  /** Epoch ms when it was applied. */
  loadedAt: number;
  /** Where it came from, and what applied it. */
  source: string;
  /** The last refused reload, until a reload succeeds. */
  lastError?: { at: number; message: string };
}

/** Policies to check: files by name (`world-builder.yaml`: its text), or objects by agent type. */
export type PolicySources =
  { files: Record<string, string> } | { policies: Record<string, unknown> };

/** Whether policies would be applied, and why not (`POST /v1/policy/validate`). */
export interface PolicyValidation {
  /** Whether they would be applied. */
  valid: boolean;
  /** Each problem, naming its file (or agent type) and field. */
  errors: string[];
  /** The version they would have, when valid. */
  version?: string;
}

/** A reload that applied the policy directory (`POST /v1/policy/reload`). */
export interface PolicyReload {
  /** Always `true`: a refused reload is an `ApiError` 422 `invalid_policy`. */
  applied: true;
  /** Whether the applied version changed. */
  changed: boolean;
  /** The status after the reload. */
  status: PolicyStatus;
}

/** Which part of the cost ledger `TtaClient.costs` reads. */
export interface CostQuery {
  /** Start of the window: an ISO time or epoch ms. Default: 24 hours before `to`. */
  from?: string | number;
  /** End of the window, exclusive. Default: now. */
  to?: string | number;
  /** Only the calls of this session. */
  sessionId?: string;
  /** Only the calls of this agent type. */
  agentType?: string;
  /** Only the calls to this model. */
  model?: string;
}

/** Tokens and cost of LLM calls over a window (`GET /v1/costs`). */
export interface CostReport {
  /** Start of the window (ISO time, on a whole UTC hour). */
  from: string;
  /** End of the window, exclusive (ISO time, on a whole UTC hour). */
  to: string;
  /** Over everything in the window. */
  total: Usage;
  /** By session id. */
  bySession: Record<string, Usage>;
  /** By agent type. */
  byAgentType: Record<string, Usage>;
  /** By model. */
  byModel: Record<string, Usage>;
}
