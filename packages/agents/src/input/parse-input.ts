import type { Intent, IntentVerb } from '@tta/contracts';
import { normalizeSegments } from '../text/normalize-text';
import { FEELINGS } from './feelings';
import {
  DETERMINERS,
  DIRECTION_WORDS,
  ENTITY_TAILS,
  EXACT_PHRASES,
  LEADING_FILLERS,
  TRAILING_FILLERS,
} from './intent-vocabulary';
import {
  DROP_VERBS,
  FEELING_ENDS,
  FEELING_LEADS,
  GROUND_WORDS,
  INTENSIFIERS,
  LOOK_PARTICLES,
  LOOK_VERBS,
  MOVE_DEFAULTS,
  MOVE_PARTICLES,
  MOVE_VERBS,
  REST_DURATIONS,
  REST_PARTICLES,
  REST_VERBS,
  TAKE_VERBS,
  TALK_VERBS,
  USE_PREPOSITIONS,
  USE_VERBS,
} from './verb-vocabulary';
import { afterPrefix, splitAt, stripLeading, stripTrailing } from './word-patterns';

/** What the input processor makes of the player's words. */
export interface ParsedInput {
  /** The text as given. */
  text: string;
  /** Lowercase words, contractions expanded, punctuation and politeness dropped. */
  normalized: string;
  /** The intent of the first sentence that has a recognisable one. */
  intent: Intent;
}

type Entities = Omit<Intent, 'verb' | 'confidence'>;
type Rule = (words: string[]) => Intent | undefined;

const EXACT = 0.95;
const SURE = 0.9;
const LIKELY = 0.7;
const GUESS = 0.6;
const VAGUE = 0.5;

function intent(verb: IntentVerb, confidence: number, entities: Entities = {}): Intent {
  const defined = Object.entries(entities).filter(([, value]) => value !== undefined);
  return { verb, confidence, ...Object.fromEntries(defined) };
}

/** An entity as the player named it, without articles and trailing filler. */
function entity(words: readonly string[]): string | undefined {
  const cleaned = stripTrailing(stripLeading(words, DETERMINERS), ENTITY_TAILS);
  return cleaned.length > 0 ? cleaned.join(' ') : undefined;
}

function stripFillers(words: readonly string[]): string[] {
  const polite = words.filter((word) => word !== 'please');
  return stripTrailing(stripLeading(polite, LEADING_FILLERS), TRAILING_FILLERS);
}

const exactPhrase: Rule = (words) => {
  const verb = EXACT_PHRASES[words.join(' ')];
  return verb === undefined ? undefined : intent(verb, EXACT);
};

const bareDirection: Rule = (words) => {
  const direction = words.length === 1 && words[0] !== undefined && DIRECTION_WORDS[words[0]];
  return direction ? intent('move', SURE, { destination: direction }) : undefined;
};

function feelingOf(words: readonly string[]): string | undefined {
  const { before } = splitAt(stripLeading(words, INTENSIFIERS), FEELING_ENDS);
  const negated = before[0] === 'not';
  const rest = stripLeading(negated ? before.slice(1) : before, INTENSIFIERS);
  const known = rest[0] !== undefined && FEELINGS[rest[0]] !== undefined;
  const named = known ? rest.slice(0, 1) : rest.slice(0, 4);
  const feeling = entity(named);
  if (feeling === undefined) return undefined;
  return negated ? `not ${feeling}` : feeling;
}

const express: Rule = (words) => {
  const lead = FEELING_LEADS.find((pattern) => afterPrefix(words, [pattern]) !== undefined);
  if (lead === undefined) {
    const alone = stripLeading(words, INTENSIFIERS);
    const word = alone.length === 1 ? alone[0] : undefined;
    return word !== undefined && FEELINGS[word] !== undefined
      ? intent('express', GUESS, { feeling: word })
      : undefined;
  }
  const after = words.slice(lead.length);
  // "feel the stone" touches something; "feel calm" is a feeling.
  const touches = lead.length === 1 && lead[0] === 'feel';
  if (touches && after[0] !== undefined && DETERMINERS.some(([d]) => d === after[0])) {
    return intent('look', LIKELY, { target: entity(after) });
  }
  const feeling = feelingOf(after);
  if (feeling === undefined) return undefined;
  const known = feeling.split(' ').some((word) => FEELINGS[word] !== undefined);
  // "I am ..." is a feeling only when a feeling word follows; "I feel ..." always is.
  if (!known && (lead.join(' ') === 'am' || lead.join(' ') === 'have been')) return undefined;
  return intent('express', known ? SURE : LIKELY, { feeling });
};

const rest: Rule = (words) => {
  const after = afterPrefix(words, REST_VERBS);
  if (after === undefined) return undefined;
  const place = stripLeading(stripTrailing(after, REST_DURATIONS), REST_DURATIONS);
  const target = entity(stripLeading(place, REST_PARTICLES));
  // "lay down the stone" puts something down; "lay down by the lake" rests.
  const restsSomewhere =
    place.length === 0 || stripLeading(place, REST_PARTICLES).length < place.length;
  if (words[0] === 'lay' && !restsSomewhere) return undefined;
  return intent('rest', SURE, { target });
};

const look: Rule = (words) => {
  const after = afterPrefix(words, LOOK_VERBS);
  if (after === undefined) return undefined;
  return intent('look', SURE, { target: entity(stripLeading(after, LOOK_PARTICLES)) });
};

const talk: Rule = (words) => {
  const after = afterPrefix(words, TALK_VERBS);
  if (after === undefined) return undefined;
  const { before, after: topic } = splitAt(after, ['about', 'that']);
  const character = entity(before);
  return intent('talk', character === undefined ? LIKELY : SURE, {
    character,
    target: entity(topic),
  });
};

function destinationOf(words: readonly string[]): string | undefined {
  const first = words[0] === undefined ? undefined : DIRECTION_WORDS[words[0]];
  if (first !== undefined) {
    return entity(stripLeading(words.slice(1), MOVE_PARTICLES)) ?? first;
  }
  const place = entity(stripLeading(words, MOVE_PARTICLES));
  return place === undefined ? undefined : (DIRECTION_WORDS[place] ?? place);
}

const move: Rule = (words) => {
  const verb = MOVE_VERBS.find((pattern) => afterPrefix(words, [pattern]) !== undefined);
  if (verb === undefined) return undefined;
  const after = words.slice(verb.length);
  const destination = destinationOf(after) ?? MOVE_DEFAULTS[verb.join(' ')];
  return intent('move', destination === undefined ? VAGUE : SURE, { destination });
};

const take: Rule = (words) => {
  const after = afterPrefix(words, TAKE_VERBS);
  if (after === undefined) return undefined;
  // "get up", "get out": a direction, not a thing.
  const direction = after.length === 1 && after[0] !== undefined && DIRECTION_WORDS[after[0]];
  if (direction) return intent('move', LIKELY, { destination: direction });
  const object = stripTrailing(stripLeading(after, [['out']]), [['up']]);
  const target = entity(splitAt(object, ['from', 'off', 'out']).before);
  return intent('take', target === undefined ? VAGUE : SURE, { target });
};

const drop: Rule = (words) => {
  const after = afterPrefix(words, DROP_VERBS);
  if (after === undefined) return undefined;
  const trimmed = stripTrailing(after, [['down'], ['away'], ['here'], ['there']]);
  const { before, separator, after: place } = splitAt(trimmed, ['on', 'onto', 'in', 'into']);
  const where = entity(place);
  const target = entity(before);
  if (separator !== undefined && where !== undefined && !GROUND_WORDS.includes(where)) {
    return intent('use', SURE, { target, instrument: where });
  }
  if (words[0] === 'leave' && target === undefined) {
    return intent('move', LIKELY, { destination: 'out' });
  }
  return intent('drop', target === undefined ? VAGUE : SURE, { target });
};

const use: Rule = (words) => {
  const verb = USE_VERBS.find((pattern) => afterPrefix(words, [pattern]) !== undefined);
  if (verb === undefined) return undefined;
  const { before, separator, after } = splitAt(words.slice(verb.length), USE_PREPOSITIONS);
  // "use key on door": the key is used; "open door with key": the key is used too.
  const toolAfter = separator === 'with' && verb[0] !== 'use';
  const target = entity(toolAfter ? after : before);
  const instrument = entity(toolAfter ? before : after);
  return intent('use', target === undefined ? VAGUE : SURE, { target, instrument });
};

// In this order: "take a break" rests and "take a look" looks before "take" takes.
const RULES: readonly Rule[] = [
  exactPhrase,
  bareDirection,
  express,
  rest,
  look,
  talk,
  move,
  take,
  drop,
  use,
];

function classify(words: readonly string[]): Intent | undefined {
  const exact = exactPhrase([...words]);
  if (exact !== undefined) return exact;
  const stripped = stripFillers(words);
  for (const rule of RULES) {
    const found = rule(stripped);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Normalises the player's text and classifies its intent with entities. Pure and
 * deterministic. "I'd like to go to the garden, please" is `move` to `garden`; "use key on
 * door" is `use` with `target: 'key'`, `instrument: 'door'`; "I feel sad" is `express` with
 * `feeling: 'sad'`; text with no recognisable intent is `unknown` with confidence 0.
 */
export function parseInput(text: string): ParsedInput {
  const segments = normalizeSegments(text);
  const normalized = segments
    .map(stripFillers)
    .filter((words) => words.length > 0)
    .map((words) => words.join(' '))
    .join(' ');
  for (const words of segments) {
    const found = classify(words);
    if (found !== undefined) return { text, normalized, intent: found };
  }
  const verb = text.trim() === '?' ? 'help' : 'unknown';
  return { text, normalized, intent: intent(verb, verb === 'help' ? EXACT : 0) };
}
