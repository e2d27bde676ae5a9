import convict from 'convict';
import { z } from 'zod';

// An amount in USD that may be left unset (null): a budget that does not apply.
convict.addFormat({
  name: 'optional-usd',
  validate(value: unknown) {
    if (value === null) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error('must be a positive number of USD, or null for none');
    }
  },
  coerce: (value: unknown) => {
    if (typeof value !== 'string') return value;
    return value.trim() === '' || value === 'null' ? null : Number(value);
  },
});

/** The LLM providers a process can use. */
export const LLM_PROVIDERS = ['offline', 'openai-compatible'] as const;

/** An LLM provider kind. */
export type LlmProviderKind = (typeof LLM_PROVIDERS)[number];

const NO_BUDGET = null as number | null;

/** The convict schema of config `llm` (but `llm.models`, a map checked by {@link llmModelsSchema}). */
export const llmConfigSchema = {
  provider: {
    doc: 'LLM provider: offline (deterministic text, no network; the built-in agents stay rule-based) or openai-compatible (OpenAI, vLLM, Ollama, llama.cpp server: POST <baseUrl>/chat/completions).',
    format: [...LLM_PROVIDERS],
    default: 'offline',
    env: 'TTA_LLM_PROVIDER',
  },
  baseUrl: {
    doc: 'Base URL of the OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama); required with openai-compatible.',
    format: String,
    default: '',
    env: 'TTA_LLM_BASE_URL',
  },
  apiKey: {
    doc: 'API key sent as a bearer token; empty sends none (local servers). Never logged.',
    format: String,
    default: '',
    env: 'TTA_LLM_API_KEY',
    sensitive: true,
  },
  model: {
    doc: 'Model of calls that name neither a model nor a tier; required with openai-compatible (offline: "offline").',
    format: String,
    default: '',
    env: 'TTA_LLM_MODEL',
  },
  memoTtlMs: {
    doc: "How long a completed model call is kept (sealed by the payload codec when encryption is on) for a later run of the same task, which then reuses it instead of calling and paying again; the call's cost is recorded once per task and call within this time.",
    format: 'positive-int',
    default: 3_600_000,
    env: 'TTA_LLM_MEMO_TTL_MS',
  },
  timeoutMs: {
    doc: 'How long one HTTP request to the provider may take.',
    format: 'positive-int',
    default: 30_000,
    env: 'TTA_LLM_TIMEOUT_MS',
  },
  retries: {
    doc: 'Retries of a request that failed with 429, 5xx, a timeout or a network error (exponential backoff; Retry-After honoured).',
    format: 'nat',
    default: 2,
    env: 'TTA_LLM_RETRIES',
  },
  breaker: {
    failureThreshold: {
      doc: 'Consecutive failed calls after which the circuit breaker opens: calls then fail fast with provider_unavailable.',
      format: 'positive-int',
      default: 5,
      env: 'TTA_LLM_BREAKER_FAILURE_THRESHOLD',
    },
    openMs: {
      doc: 'How long the breaker stays open before it lets trial calls through (half-open).',
      format: 'positive-int',
      default: 60_000,
      env: 'TTA_LLM_BREAKER_OPEN_MS',
    },
    halfOpenMaxCalls: {
      doc: 'Trial calls let through at once while half-open; one success closes the breaker, one failure opens it again.',
      format: 'positive-int',
      default: 1,
      env: 'TTA_LLM_BREAKER_HALF_OPEN_MAX_CALLS',
    },
  },
};

/** The convict schema of config `costs`: the cost ledger and budgets. */
export const costsConfigSchema = {
  retentionDays: {
    doc: 'How long the cost ledger keeps its hourly counters (and the running totals of tasks and sessions, from their last spend).',
    format: 'positive-int',
    default: 35,
    env: 'TTA_COSTS_RETENTION_DAYS',
  },
  budgets: {
    sessionUsd: {
      doc: 'Most USD a session may spend on LLM calls; once spent, its tasks are refused with 429 budget_exceeded. null: no budget.',
      format: 'optional-usd',
      default: NO_BUDGET,
      env: 'TTA_COSTS_BUDGETS_SESSION_USD',
    },
    taskUsd: {
      doc: 'Most USD one task may spend on LLM calls (a request may ask for less with budgetUsd). null: no budget.',
      format: 'optional-usd',
      default: NO_BUDGET,
      env: 'TTA_COSTS_BUDGETS_TASK_USD',
    },
  },
};

/** Tier and prices of one model. */
export const llmModelConfigSchema = z
  .object({
    /** Tier of the model (e.g. `fast`, `quality`): what requests and policies name. */
    tier: z.string().min(1).max(64),
    /** Price of a million input (prompt) tokens, in USD. */
    inputUsdPerMillion: z.number().min(0),
    /** Price of a million output (completion) tokens, in USD. */
    outputUsdPerMillion: z.number().min(0),
  })
  .strict();

/** Model name (as the provider knows it) to its tier and prices: config `llm.models`. */
export const llmModelsSchema = z.record(z.string().min(1).max(256), llmModelConfigSchema);

/** Tier and prices of one model. */
export type LlmModelConfig = z.infer<typeof llmModelConfigSchema>;
