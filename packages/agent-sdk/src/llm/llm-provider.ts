/** One message of a chat prompt. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A chat completion request, as handlers make it through `ctx.llm` and providers receive it. */
export interface LlmRequest {
  /** Model to call (its name in config `llm.models` and at the provider). Default: a model of `tier`, else config `llm.model`. */
  model?: string;
  /** Tier (`fast`, `quality`...) whose first configured model to call when `model` is absent. Providers ignore it. */
  tier?: string;
  /** The prompt: system, user and assistant messages, in order. */
  messages: readonly LlmMessage[];
  /** Most tokens to generate. Default: the provider's. */
  maxTokens?: number;
  /** Sampling temperature, 0 to 2. Default: the provider's. */
  temperature?: number;
  /** Aborts the call. `ctx.llm` adds the task's own signal. */
  signal?: AbortSignal;
}

/** Tokens a call consumed. */
export interface LlmTokenUsage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
}

/** What a completion gives back. */
export interface LlmCompletion {
  /** The generated text. */
  text: string;
  /** The model that answered, as the provider names it. */
  model: string;
  usage: LlmTokenUsage;
}

/** A source of chat completions: an HTTP API or the deterministic offline one. */
export interface LlmProvider {
  /** Name in logs, metrics and errors (`offline`, `openai-compatible`). */
  readonly name: string;
  /** Model used when a request names none. */
  readonly defaultModel: string;
  /** Completes the prompt; rejects with the signal's reason once it is aborted. */
  complete(request: LlmRequest): Promise<LlmCompletion>;
}
