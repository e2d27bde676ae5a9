import { setTimeout as sleep } from 'node:timers/promises';
import { LlmRequestError, toError, type Logger } from '@tta/core';
import { z } from 'zod';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens';
import type { LlmCompletion, LlmProvider, LlmRequest } from './llm-provider';
import { parseRetryAfter, parseRetryAfterMs } from './retry-after';

/** Options of {@link OpenAiCompatibleProvider}. */
export interface OpenAiCompatibleProviderOptions {
  /** Base URL of the API, e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama). Required. */
  baseUrl: string;
  /** Model of requests that name none. Required. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; never logged nor put in errors. Default: none. */
  apiKey?: string;
  /** How long one HTTP request may take, including reading its answer. Default: 30,000 ms. */
  timeoutMs?: number;
  /** Retries of a request that failed with 429, 408, 5xx, a timeout or a network error. Default: 2. */
  retries?: number;
  /** First backoff delay, doubled on each retry (half of each delay is random). Default: 500 ms. */
  retryBaseDelayMs?: number;
  /** Longest wait before a retry; a `Retry-After` asking for longer ends the retries. Default: 30,000 ms. */
  maxRetryDelayMs?: number;
  /** Name in logs, metrics and errors. Default: `openai-compatible`. */
  name?: string;
  /** Receives a warning per retry. Default: none. */
  logger?: Logger;
}

/** {@link OpenAiCompatibleProviderOptions} with defaults filled in. */
export type ResolvedOpenAiCompatibleProviderOptions = Required<
  Omit<OpenAiCompatibleProviderOptions, 'logger' | 'apiKey'>
> &
  Pick<OpenAiCompatibleProviderOptions, 'logger' | 'apiKey'>;

/** Fills defaults and checks values; throws a `TypeError` at once on a bad one. */
export function resolveOpenAiCompatibleProviderOptions(
  options: OpenAiCompatibleProviderOptions,
): ResolvedOpenAiCompatibleProviderOptions {
  const resolved = {
    ...options,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    timeoutMs: options.timeoutMs ?? 30_000,
    retries: options.retries ?? 2,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    name: options.name ?? 'openai-compatible',
  };
  if (!/^https?:\/\/[^/]/i.test(resolved.baseUrl) || !URL.canParse(resolved.baseUrl)) {
    throw new TypeError(`OpenAiCompatibleProvider: baseUrl must be an http(s) URL`);
  }
  if (resolved.model === '') throw new TypeError('OpenAiCompatibleProvider: model is required');
  for (const key of ['timeoutMs', 'retries', 'retryBaseDelayMs', 'maxRetryDelayMs'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value < (key === 'timeoutMs' ? 1 : 0)) {
      throw new TypeError(`OpenAiCompatibleProvider: ${key} must be a non-negative integer`);
    }
  }
  return resolved;
}

const chatCompletionSchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullish() }) })).min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) })
    .partial()
    .nullish(),
});

/**
 * A provider speaking the chat-completions protocol (`POST <baseUrl>/chat/completions`):
 * OpenAI, vLLM, Ollama, the llama.cpp server and others. Retries 429, 408, 5xx, timeouts and
 * network errors with exponential backoff, waiting what `Retry-After` (seconds or an HTTP date)
 * or `retry-after-ms` asks instead when the answer has one. Token counts come from the answer's
 * `usage`, estimated from characters when it has none.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  /** Name in logs, metrics and errors. */
  readonly name: string;
  /** Model of requests that name none. */
  readonly defaultModel: string;
  private readonly options: ResolvedOpenAiCompatibleProviderOptions;

  constructor(options: OpenAiCompatibleProviderOptions) {
    this.options = resolveOpenAiCompatibleProviderOptions(options);
    this.name = this.options.name;
    this.defaultModel = this.options.model;
  }

  /** Posts the prompt, retrying as the class describes; rejects with `LlmRequestError`. */
  async complete(request: LlmRequest): Promise<LlmCompletion> {
    const signal = request.signal ?? new AbortController().signal;
    const model = request.model ?? this.defaultModel;
    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(request, model, signal);
      } catch (err) {
        const delayMs = this.retryDelay(err, retry, signal);
        if (delayMs === undefined) throw err;
        this.options.logger?.warn('LLM request failed: retrying', {
          provider: this.name,
          model,
          retry: retry + 1,
          delayMs,
          error: toError(err).message,
        });
        await sleep(delayMs, undefined, { signal }).catch(() => signal.throwIfAborted());
      }
    }
  }

  // How long to wait before retry number `retry + 1`, or undefined when there is none to make.
  private retryDelay(err: unknown, retry: number, signal: AbortSignal): number | undefined {
    const { retries, retryBaseDelayMs, maxRetryDelayMs } = this.options;
    if (signal.aborted || !(err instanceof LlmRequestError) || !err.retryable) return undefined;
    if (retry >= retries) return undefined;
    if (err.retryAfterMs !== undefined) {
      return err.retryAfterMs <= maxRetryDelayMs ? err.retryAfterMs : undefined;
    }
    const backoff = retryBaseDelayMs * 2 ** retry;
    return Math.min(maxRetryDelayMs, Math.round(backoff / 2 + (Math.random() * backoff) / 2));
  }

  private async attempt(
    request: LlmRequest,
    model: string,
    signal: AbortSignal,
  ): Promise<LlmCompletion> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    let response: Response;
    let body: string;
    try {
      response = await fetch(`${this.options.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify(requestBody(request, model)),
        signal: both,
      });
      body = await response.text();
    } catch (err) {
      signal.throwIfAborted();
      throw this.transportError(err, timeout.aborted);
    }
    if (!response.ok) throw this.statusError(response, body);
    return this.completion(parseJson(body), model, request);
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    return headers;
  }

  private transportError(err: unknown, timedOut: boolean): LlmRequestError {
    const what = timedOut
      ? `timed out after ${this.options.timeoutMs} ms`
      : `failed: ${this.redact(toError(err).message)}`;
    return new LlmRequestError(`LLM provider '${this.name}': request ${what}`, {
      retryable: true,
      cause: timedOut ? undefined : err,
    });
  }

  private statusError(response: Response, body: string): LlmRequestError {
    const { status } = response;
    const retryable = status === 408 || status === 429 || status >= 500;
    const retryAfterMs =
      parseRetryAfterMs(response.headers.get('retry-after-ms')) ??
      parseRetryAfter(response.headers.get('retry-after'));
    const detail = this.redact(errorDetail(body));
    return new LlmRequestError(
      `LLM provider '${this.name}' answered ${status}${detail ? `: ${detail}` : ''}`,
      { status, retryable, ...(retryAfterMs !== undefined && { retryAfterMs }) },
    );
  }

  private completion(body: unknown, model: string, request: LlmRequest): LlmCompletion {
    const parsed = chatCompletionSchema.safeParse(body);
    if (!parsed.success) {
      throw new LlmRequestError(
        `LLM provider '${this.name}' answered something that is not a chat completion`,
        { retryable: false },
      );
    }
    const text = parsed.data.choices[0]?.message.content ?? '';
    const usage = parsed.data.usage;
    return {
      text,
      model: parsed.data.model ?? model,
      usage: {
        inputTokens: usage?.prompt_tokens ?? estimatePromptTokens(request.messages),
        outputTokens: usage?.completion_tokens ?? estimateTokens(text),
      },
    };
  }

  // The key never leaves this object, even if a server or a network error echoes it.
  private redact(text: string): string {
    const key = this.options.apiKey;
    return key ? text.split(key).join('***') : text;
  }
}

function requestBody(request: LlmRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    stream: false,
  };
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  return body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// The message of an error answer (`{ "error": { "message" } }`, else its text), shortened.
function errorDetail(body: string): string {
  const parsed = parseJson(body) as { error?: { message?: unknown } | string } | undefined;
  const error = parsed?.error;
  let text = body;
  if (typeof error === 'string') text = error;
  else if (typeof error?.message === 'string') text = error.message;
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}
