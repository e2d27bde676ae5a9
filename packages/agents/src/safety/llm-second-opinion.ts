import type { LlmMessage, TaskContext } from '@tta/agent-sdk';
import { toError } from '@tta/core';
import { type SafetyLevel } from '@tta/contracts';
import { SAFETY_CATEGORIES, type SafetyCategory } from '@tta/contracts';
import { z } from 'zod';
import { CSSRS_LEVELS, type CssrsLevel } from './patterns/screen-signal';
import type { SafetyScreenResult } from './safety-screen';

/** The rubric the LLM screens by: the Columbia scale, recall first, one JSON answer. */
export const SECOND_OPINION_INSTRUCTIONS = [
  'You are a safety reviewer for a therapeutic text adventure. Decide whether the REAL person',
  'typing the message may be at risk, following the Columbia Suicide Severity Rating Scale:',
  'crisis = any wish to be dead or not wake up, thoughts of suicide, a method, intent, a plan,',
  'preparation (saving pills, goodbye notes, giving things away), an attempt or overdose,',
  'current self-harm, imminent danger from another person, a medical emergency from an eating',
  'disorder or substances, or severe panic. concern = distress without risk (sadness,',
  'loneliness, grief, stress, hopelessness). safe = game actions, idioms, in-game text read',
  'aloud, talk about characters. When unsure between two levels, choose the higher one.',
  'Answer with one JSON object only: {"level":"safe|concern|crisis","categories":[...],',
  `"cssrs":"${CSSRS_LEVELS.join('|')}" or null}. Categories from: ${SAFETY_CATEGORIES.join(', ')}.`,
].join(' ');

const answerSchema = z.object({
  level: z.enum(['safe', 'concern', 'crisis']),
  categories: z.array(z.enum(SAFETY_CATEGORIES)).default([]),
  cssrs: z.enum(CSSRS_LEVELS).nullish(),
});

/** The LLM's answer, parsed; `undefined` when it is not one valid JSON answer. */
export function parseSecondOpinion(answer: string): z.infer<typeof answerSchema> | undefined {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = answerSchema.safeParse(JSON.parse(answer.slice(start, end + 1)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const RANK: Readonly<Record<SafetyLevel, number>> = { safe: 0, concern: 1, crisis: 2 };
const MAX_ANSWER_TOKENS = 80;

/** Options of {@link withSecondOpinion}. */
export interface SecondOpinionOptions {
  /** Longest wait for the LLM's answer, in ms; past it the screen's own result stands. */
  timeoutMs: number;
}

/**
 * Asks the task's LLM for a second opinion on `text` and raises `screen` to its level when it
 * is higher: never lowers, and the on-device screen stays the first line. A failed, late or
 * malformed answer leaves `screen` as it is (logged without the player's words).
 */
export async function withSecondOpinion(
  ctx: TaskContext,
  text: string,
  screen: SafetyScreenResult,
  options: SecondOpinionOptions,
): Promise<SafetyScreenResult> {
  if (screen.level === 'crisis') return screen;
  const messages: LlmMessage[] = [
    { role: 'system', content: SECOND_OPINION_INSTRUCTIONS },
    { role: 'user', content: text },
  ];
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    const completion = await ctx.llm.complete({
      messages,
      maxTokens: MAX_ANSWER_TOKENS,
      temperature: 0,
      signal,
    });
    const answer = parseSecondOpinion(completion.text);
    if (answer === undefined) {
      ctx.log.warn(
        'safety.screen: the LLM second opinion is not a valid answer; the screen stands',
      );
      return screen;
    }
    if (RANK[answer.level] <= RANK[screen.level]) return screen;
    const categories = new Set<SafetyCategory>(answer.categories);
    if (categories.size === 0)
      categories.add(answer.level === 'crisis' ? 'suicidal_ideation' : 'distress');
    const cssrs: CssrsLevel | undefined = answer.cssrs ?? undefined;
    return {
      ...screen,
      level: answer.level,
      categories: SAFETY_CATEGORIES.filter((c) => categories.has(c)),
      ...(cssrs === undefined ? {} : { cssrs }),
      score: Math.max(screen.score, answer.level === 'crisis' ? 0.9 : 0.6),
      layers: [...screen.layers, 'llm'],
    };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.log.warn('safety.screen: LLM second opinion failed or timed out; the screen stands', {
      error: toError(err).name,
    });
    return screen;
  }
}
