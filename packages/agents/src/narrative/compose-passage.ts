import type { IntentVerb, NarrativeTone } from '@tta/contracts';
import { DIRECTION_PHRASES, exitsOf } from '../world/world-map';
import type { PassageFacts, PassageRequest } from './passage-facts';
import { passageFacts } from './passage-facts';
import {
  INVITATIONS,
  NOT_APPLIED,
  OPENINGS,
  firstName,
  listOf,
  toneOf,
  withArticle,
} from './narrative-templates';
import { canonicalJson, createPicker, type Picker } from './stable-hash';

/** A passage of the story and its tone. */
export interface Passage {
  /** Second-person prose: what happens, then gentle choices, as paragraphs. */
  passage: string;
  tone: NarrativeTone;
  /** The check-in or supportive line the passage opens with, when the turn's safety asked for one. */
  checkIn?: string;
  /** The break the passage ends by suggesting, when the turn's safety asked for one. */
  breakSuggestion?: string;
}

/** Choices that fit anywhere, and the verb each one repeats. */
const GENERAL_CHOICES: readonly [string, IntentVerb][] = [
  ['rest for a moment', 'rest'],
  ['look around a little longer', 'look'],
  ['share how you are feeling', 'express'],
  ['take a slow, easy breath', 'rest'],
];

function scene(facts: PassageFacts): string {
  if (facts.place === undefined) return '';
  const parts = [facts.place.description];
  if (facts.itemsHere.length > 0) {
    parts.push(
      `Nearby you notice ${listOf(facts.itemsHere.map((item) => withArticle(item.name)))}.`,
    );
  }
  for (const person of facts.peopleHere) parts.push(`${firstName(person.name)} is here.`);
  return parts.join(' ');
}

function localChoices(facts: PassageFacts): string[] {
  const exits = facts.place === undefined ? [] : exitsOf(facts.place);
  return [
    ...exits.map(({ direction, to }) => `head ${DIRECTION_PHRASES[direction]} to ${to.name}`),
    ...facts.itemsHere.map((item) => `pick up the ${item.name}`),
    ...facts.peopleHere
      .filter((person) => facts.verb !== 'talk' || person !== facts.character)
      .map((person) => `talk with ${firstName(person.name)}`),
    ...facts.inventory
      .filter((item) => facts.flags[item.use.flag] !== true)
      .map((item) => `use the ${item.name}`),
  ];
}

function pickDistinct(
  pick: Picker,
  slot: string,
  list: readonly string[],
  count: number,
): string[] {
  const chosen: string[] = [];
  let left = [...list];
  while (chosen.length < count && left.length > 0) {
    const next = pick(`${slot}${chosen.length}`, left);
    chosen.push(next);
    left = left.filter((entry) => entry !== next);
  }
  return chosen;
}

function invitation(facts: PassageFacts, pick: Picker): string {
  const general = GENERAL_CHOICES.filter(([, verb]) => verb !== facts.verb).map(([text]) => text);
  const local = pickDistinct(pick, 'local', localChoices(facts), 2);
  const rest = pickDistinct(pick, 'general', general, 3 - local.length);
  const [a = '', b = '', c = ''] = [...local, ...rest];
  return pick('invitation', INVITATIONS)(a, b, c);
}

function opening(facts: PassageFacts, pick: Picker): string {
  if (facts.applied || facts.verb === 'unknown') return OPENINGS[facts.verb](facts, pick);
  return NOT_APPLIED(facts, pick);
}

/**
 * Writes the next passage from a turn's intent, outcome and world, in a calm, supportive
 * second-person voice that ends by offering choices. Deterministic: variants are chosen by a
 * stable hash of the request, so the same request always gives the same passage.
 */
export function composePassage(request: PassageRequest): Passage {
  const pick = createPicker(canonicalJson(request));
  const facts = passageFacts(request);
  const showScene =
    facts.applied &&
    (facts.verb === 'move' || (facts.verb === 'look' && facts.target === undefined));
  const first = [opening(facts, pick), showScene ? scene(facts) : ''].filter((part) => part !== '');
  return { passage: [first.join(' '), invitation(facts, pick)].join('\n\n'), tone: toneOf(facts) };
}
