import type { LlmMessage } from '@tta/agent-sdk';
import type { NarrativeSafety } from '@tta/contracts';
import type { Passage } from './compose-passage';
import type { PassageFacts, PassageRequest } from './passage-facts';
import { safetyOpening, toldGently } from './safety-openings';

/** How the narrator writes: supportive, never judging, true to the world's facts. */
export const NARRATOR_INSTRUCTIONS = [
  'You are the narrator of a gentle, therapeutic text adventure.',
  'Write the next passage in the second person ("you"), in a calm, warm and supportive voice.',
  'Never judge, blame, hurry or pressure the player: there are no wrong choices, and an action that did not work is simply not possible yet.',
  'Do not diagnose, give medical or therapeutic advice, or comment on the player as a person.',
  'Stay true to the facts you are given: invent no items, places or characters they do not name, and never say an action worked when the facts say it did not.',
  'Write one short paragraph (at most 120 words) of what happens, then a blank line, then one sentence that offers two or three gentle choices and begins with "You could" or "You might".',
  'Plain prose only: no headings, lists, labels or quotation marks around the passage.',
].join(' ');

/**
 * The rule of a turn whose passage opens with a check-in (a concern): the check-in comes from
 * the templates, so that it is always there and always the same, and the LLM writes the story.
 */
export const CHECK_IN_RULE = [
  'This turn, the passage opens with one or two validating sentences, already written, that acknowledge how the player may be feeling without diagnosing and gently mention that support is available below.',
  'Do not write a check-in of your own and do not mention support, helplines or resources: begin directly with the story, keep it especially gentle, and never use the feeling as a plot device, a danger or a test.',
].join(' ');

/** The rule of a turn in supportive mode (after a crisis earlier in the session). */
export const SUPPORTIVE_RULE = [
  'Tell this passage with extra gentleness: slow, soft and reassuring, with nothing frightening, urgent or sad happening in it.',
  "A supportive line that opens it is already written, so do not write one of your own, and do not comment on the player's state of mind.",
].join(' ');

/** The rule of a turn that ends by suggesting a break, which the templates write. */
export const BREAK_RULE =
  'A kind suggestion to take a break is added after your passage, so do not suggest one yourself; end with your choices as usual.';

/**
 * The rules the turn's `safety` adds to the narrator's instructions. They say only how to
 * write, never what the player said or which categories a screen found.
 */
export function safetyRules(safety: NarrativeSafety | undefined): string[] {
  return [
    ...(safetyOpening(safety) === 'check-in' ? [CHECK_IN_RULE] : []),
    ...(toldGently(safety) ? [SUPPORTIVE_RULE] : []),
    ...(safety?.suggestBreak === true ? [BREAK_RULE] : []),
  ];
}

function line(label: string, values: readonly string[]): string[] {
  return values.length === 0 ? [] : [`${label}: ${values.join('; ')}`];
}

function intentLine(request: PassageRequest): string {
  const { verb, ...entities } = request.intent;
  const named = Object.entries(entities)
    .filter(([key, value]) => key !== 'confidence' && typeof value === 'string')
    .map(([key, value]) => `${key} ${String(value)}`);
  return `What the player wants: ${verb}${named.length > 0 ? ` (${named.join(', ')})` : ''}`;
}

/** The facts of the turn, one per line, as the narrator is told them. */
export function turnFacts(request: PassageRequest, facts: PassageFacts): string[] {
  return [
    ...(request.text === undefined ? [] : [`The player wrote: ${JSON.stringify(request.text)}`]),
    intentLine(request),
    `Outcome: ${facts.applied ? 'it happens' : 'it is not possible this time'}`,
    ...line('Where', facts.place ? [`${facts.place.name}: ${facts.place.description}`] : []),
    ...line(
      'Nearby',
      facts.itemsHere.map((item) => item.name),
    ),
    ...line(
      'People here',
      facts.peopleHere.map((person) => `${person.name} (${person.mood})`),
    ),
    ...line(
      'Carrying',
      facts.inventory.map((item) => item.name),
    ),
    ...line('What changed', facts.changes),
    ...(facts.feeling === undefined ? [] : [`The player shared a feeling: ${facts.feeling}`]),
  ];
}

/**
 * The prompt of a passage: the narrator's instructions with the rules of the turn's `safety`,
 * the turn's facts and the passage the templates wrote, whose facts the narrator keeps and
 * whose voice it may improve.
 */
export function narrationMessages(
  request: PassageRequest,
  facts: PassageFacts,
  draft: Passage,
  safety?: NarrativeSafety,
): LlmMessage[] {
  const user = [
    ...turnFacts(request, facts),
    `Tone: ${draft.tone}`,
    '',
    'A plain draft of the passage (keep its facts, write it in your own words):',
    draft.passage,
  ].join('\n');
  return [
    { role: 'system', content: [NARRATOR_INSTRUCTIONS, ...safetyRules(safety)].join(' ') },
    { role: 'user', content: user },
  ];
}
