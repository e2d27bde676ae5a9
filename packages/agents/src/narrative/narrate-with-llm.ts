import type { TaskContext } from '@tta/agent-sdk';
import { AppError, toError } from '@tta/core';
import { type NarrativeSafety } from '@tta/contracts';
import type { Passage } from './compose-passage';
import { narrationMessages } from './narration-prompt';
import { passageFacts, type PassageRequest } from './passage-facts';

/** Most tokens of a passage written by the LLM. */
const MAX_PASSAGE_TOKENS = 320;

/**
 * The passage in the LLM's words, written from the turn's facts and the templates' `draft`
 * (whose tone it keeps), under the rules of the turn's `safety` (the check-in and break are
 * not the LLM's to write: `framePassage` adds them). When the call fails (provider down,
 * circuit open, over budget, refused by policy) or answers nothing, the player still gets the
 * templates' passage; only an aborted task throws.
 */
export async function narrateWithLlm(
  ctx: TaskContext,
  request: PassageRequest,
  draft: Passage,
  safety?: NarrativeSafety,
): Promise<Passage> {
  try {
    const completion = await ctx.llm.complete({
      messages: narrationMessages(request, passageFacts(request), draft, safety),
      maxTokens: MAX_PASSAGE_TOKENS,
      temperature: 0.7,
    });
    const passage = completion.text.trim();
    if (passage !== '') return { passage, tone: draft.tone };
    ctx.log.warn('narrative: the LLM answered nothing; the templates wrote the passage');
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.log.warn('narrative: LLM call failed; the templates wrote the passage', {
      error: toError(err).message,
      ...(err instanceof AppError && { code: err.code }),
    });
  }
  return draft;
}
