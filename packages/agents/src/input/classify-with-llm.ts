import type { LlmMessage, TaskContext } from '@tta/agent-sdk';
import { AppError, toError } from '@tta/core';
import { INTENT_VERBS, intentSchema, type Intent } from '@tta/contracts';

/** How the classifier answers: one JSON intent, nothing else. */
export const CLASSIFIER_INSTRUCTIONS = [
  'You classify what the player of a gentle text adventure wants to do.',
  'Answer with one JSON object and nothing else: no prose, no code fences.',
  `Keys: "verb" (one of ${INTENT_VERBS.join(', ')}); optionally "target" (what the verb acts on),`,
  '"destination" (a direction or place, for move), "character" (who is spoken to or about),',
  '"instrument" (a second object: in "use the key on the door" it is "door"),',
  '"feeling" (for express: the feeling named); and "confidence" (a number from 0 to 1).',
  'Use "express" when the player shares how they feel, and "unknown" when nothing fits.',
  "Entities are the player's own words, lowercase, without articles.",
  'Examples: "go to the garden" -> {"verb":"move","destination":"garden","confidence":0.9};',
  '"I feel a bit lonely" -> {"verb":"express","feeling":"lonely","confidence":0.9}.',
].join(' ');

/** Most tokens of an answer: one small JSON object. */
const MAX_ANSWER_TOKENS = 120;

const ENTITIES = ['target', 'destination', 'character', 'instrument', 'feeling'] as const;

/** The prompt that classifies `text`. */
export function classificationMessages(text: string): LlmMessage[] {
  return [
    { role: 'system', content: CLASSIFIER_INSTRUCTIONS },
    { role: 'user', content: text },
  ];
}

/**
 * The intent in an LLM's answer: the JSON object in it (code fences and text around it are
 * tolerated) when it is a valid intent, its entities lowercased; `undefined` otherwise.
 */
export function parseIntentAnswer(answer: string): Intent | undefined {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(answer.slice(start, end + 1));
  } catch {
    return undefined;
  }
  const parsed = intentSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const intent: Intent = { ...parsed.data };
  for (const key of ENTITIES) {
    const value = intent[key]?.trim().toLowerCase();
    if (value) intent[key] = value;
    else delete intent[key];
  }
  return intent;
}

/**
 * The intent of the player's `text` as the LLM classifies it; `undefined` (the caller keeps the
 * rule-based intent) when the answer is not a valid intent or the call fails. Only an aborted
 * task throws.
 */
export async function classifyWithLlm(ctx: TaskContext, text: string): Promise<Intent | undefined> {
  try {
    const completion = await ctx.llm.complete({
      messages: classificationMessages(text),
      maxTokens: MAX_ANSWER_TOKENS,
      temperature: 0,
    });
    const intent = parseIntentAnswer(completion.text);
    if (!intent)
      ctx.log.warn('input.parse: the LLM answer is not an intent; the rules classified it');
    return intent;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.log.warn('input.parse: LLM call failed; the rules classified it', {
      error: toError(err).message,
      ...(err instanceof AppError && { code: err.code }),
    });
    return undefined;
  }
}
