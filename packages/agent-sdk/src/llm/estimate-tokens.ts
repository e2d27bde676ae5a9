import type { LlmMessage } from './llm-provider';

/** Characters per token of English text, the usual rule of thumb. */
const CHARS_PER_TOKEN = 4;
/** Tokens each chat message costs beyond its content (role and separators). */
const TOKENS_PER_MESSAGE = 4;

/** An estimate of the tokens of `text`: one per four characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** An estimate of the prompt tokens of `messages`. */
export function estimatePromptTokens(messages: readonly LlmMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m.content) + TOKENS_PER_MESSAGE, 0);
}
