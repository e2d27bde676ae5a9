import type { NarrativeSafety, NarrativeTone } from '@tta/contracts';
import type { Passage } from './compose-passage';
import type { PassageRequest } from './passage-facts';
import { breakSuggestionFor, checkInFor, toldGently } from './safety-openings';
import { canonicalJson, createPicker } from './stable-hash';

/** Tones that suit a passage told gently. */
const GENTLE_TONES: readonly NarrativeTone[] = ['gentle', 'reassuring'];

/**
 * The passage the player reads on a turn with `safety`: the `story` (the templates' or the
 * LLM's), opened by a check-in or supportive line and ended by a suggested break when the
 * safety asks for them, each a paragraph of its own and carried as `checkIn` and
 * `breakSuggestion`. Told gently, its tone is `gentle` unless already `reassuring`. Without
 * safety, or a safe turn with nothing asked, the story is returned as it is. Deterministic:
 * the lines are chosen by a stable hash of `request`.
 */
export function framePassage(
  story: Passage,
  request: PassageRequest,
  safety: NarrativeSafety | undefined,
): Passage {
  const pick = createPicker(canonicalJson(request));
  const checkIn = checkInFor(safety, pick);
  const breakSuggestion = breakSuggestionFor(safety, pick);
  const tone = toldGently(safety) && !GENTLE_TONES.includes(story.tone) ? 'gentle' : story.tone;
  const paragraphs = [checkIn, story.passage, breakSuggestion].filter(
    (part): part is string => part !== undefined,
  );
  return {
    passage: paragraphs.join('\n\n'),
    tone,
    ...(checkIn !== undefined && { checkIn }),
    ...(breakSuggestion !== undefined && { breakSuggestion }),
  };
}
