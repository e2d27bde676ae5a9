import { createHash } from 'node:crypto';
import { estimatePromptTokens, estimateTokens } from './estimate-tokens';
import type { LlmCompletion, LlmProvider, LlmRequest } from './llm-provider';

/** Name and model of the {@link OfflineProvider}. */
export const OFFLINE_MODEL = 'offline';

const EXCERPT_CHARS = 160;

/**
 * A provider that needs no network: its answer is derived from the prompt alone (a digest and
 * an excerpt of the last user message), so the same prompt always gives the same text. Token
 * counts are estimated from characters. The default provider; with it the built-in agents keep
 * their rule-based path.
 */
export class OfflineProvider implements LlmProvider {
  /** `offline`. */
  readonly name = OFFLINE_MODEL;
  /** `offline`. */
  readonly defaultModel = OFFLINE_MODEL;

  /** The deterministic answer to `request`. */
  async complete(request: LlmRequest): Promise<LlmCompletion> {
    request.signal?.throwIfAborted();
    const digest = createHash('sha256')
      .update(JSON.stringify(request.messages))
      .digest('hex')
      .slice(0, 8);
    const last = [...request.messages].reverse().find((m) => m.role === 'user');
    const excerpt = (last?.content ?? '').replace(/\s+/g, ' ').trim().slice(0, EXCERPT_CHARS);
    let text = `Offline reply ${digest}: ${excerpt}`;
    if (request.maxTokens !== undefined) text = text.slice(0, request.maxTokens * 4);
    return {
      text,
      model: request.model ?? this.defaultModel,
      usage: {
        inputTokens: estimatePromptTokens(request.messages),
        outputTokens: estimateTokens(text),
      },
    };
  }
}
