import type { IntentVerb, NarrativeTone } from '@tta/contracts';
import { capitalize } from '../text/capitalize';
import type { Item } from '../world/world-map';
import type { PassageFacts } from './passage-facts';
import type { Picker } from './stable-hash';

/** Writes one part of a passage from its facts; `pick` chooses among variants. */
export type Template = (facts: PassageFacts, pick: Picker) => string;

/** "a smooth stone", "an old lantern". */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** "a, b and c". */
export function listOf(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

/** A character's first name: "Mira". */
export function firstName(name: string): string {
  return name.split(',')[0] ?? name;
}

const placeName = (facts: PassageFacts): string => facts.place?.name ?? 'the path';
const thingName = (facts: PassageFacts): string => facts.item?.name ?? facts.target ?? 'it';

function describeFeeling(facts: PassageFacts): { youFeel: string; toFeel: string } {
  const feeling = facts.feeling ?? '';
  if (feeling.startsWith('not ')) {
    const rest = feeling.slice(4);
    return { youFeel: `you don't feel ${rest}`, toFeel: `not feel ${rest}` };
  }
  return { youFeel: `you feel ${feeling}`, toFeel: `feel ${feeling}` };
}

const lookAround: Template = (facts, pick) =>
  pick('look', [
    `You pause and let your eyes settle on ${placeName(facts)}.`,
    `You take a slow, unhurried look around ${placeName(facts)}.`,
    `You breathe in and take in ${placeName(facts)} around you.`,
  ]);

const lookAt: Template = (facts, pick) => {
  if (facts.item !== undefined)
    return `You look closely at the ${facts.item.name}. ${facts.item.description}`;
  if (facts.character !== undefined) {
    return `You notice ${firstName(facts.character.name)}, who seems ${facts.character.mood} today.`;
  }
  return pick('lookAt', [
    `You let your gaze rest on the ${thingName(facts)} for a while.`,
    `You take in the ${thingName(facts)}, noticing its shapes and colours.`,
  ]);
};

const expressFeeling: Template = (facts, pick) => {
  if (facts.feeling === undefined || facts.valence === 'neutral') {
    return pick('express', [
      'Thank you for sharing how you feel. Whatever it is, it is welcome here.',
      'Thank you for putting that into words. There is room here for whatever you are carrying.',
    ]);
  }
  const { youFeel, toFeel } = describeFeeling(facts);
  if (facts.valence === 'pleasant') {
    return pick('express', [
      `It's lovely to hear ${youFeel}. You might let that feeling settle in for a moment.`,
      `How good that ${youFeel}. That is worth noticing, and it can stay as long as it likes.`,
    ]);
  }
  return pick('express', [
    `Thank you for telling me ${youFeel}. That makes sense, and there is room for it here.`,
    `It's okay to ${toFeel}. You are welcome here exactly as you are, at your own pace.`,
    `I hear that ${youFeel}. You don't have to carry it quickly; the world here can wait with you.`,
  ]);
};

const USE_REFLECTIONS = [
  'Take a moment to notice how that feels.',
  'You stay with that small moment for a breath or two.',
  'Small things done with care can matter a great deal.',
];

const useItem: Template = (facts, pick) => {
  const effect =
    facts.changes[0] ?? `You use the ${thingName(facts)}, and take a quiet moment with it.`;
  return `${effect} ${pick('use', USE_REFLECTIONS)}`;
};

const talkWith: Template = (facts, pick) => {
  if (facts.character === undefined) return 'You speak softly, and the quiet around you listens.';
  const name = firstName(facts.character.name);
  const greet = pick('talk', [`You greet ${name}.`, `You walk over to ${name} and say hello.`]);
  return `${greet} ${pick('greeting', facts.character.greetings)}`;
};

const HELP_OPENINGS = [
  "Here are some things you can try, whenever you're ready.",
  'There is no single right way to play; here are a few ideas.',
];

const HELP_TEXT =
  'You can look around, go in a direction (north, south, east, west, up, down, in or out) or ' +
  'toward a place you can see, pick things up and put them down, use what you carry, talk ' +
  'with the people you meet, rest whenever you like, or simply tell me how you are feeling.';

function carried(items: readonly Item[]): string {
  return listOf(items.map((item) => withArticle(item.name)));
}

/** What each verb's passage begins with when the world carried the intent out. */
export const OPENINGS: Readonly<Record<IntentVerb, Template>> = {
  look: (facts, pick) =>
    facts.target === undefined ? lookAround(facts, pick) : lookAt(facts, pick),
  move: (facts, pick) =>
    pick('move', [
      `Step by step, you make your way to ${placeName(facts)}.`,
      `You walk at your own pace and arrive at ${placeName(facts)}.`,
      `The path carries you gently to ${placeName(facts)}.`,
    ]),
  take: (facts, pick) =>
    pick('take', [
      `You pick up the ${thingName(facts)} and keep it close.`,
      `You gently lift the ${thingName(facts)}. It's yours to carry for as long as you like.`,
    ]) + (facts.item === undefined ? '' : ` ${facts.item.description}`),
  drop: (facts, pick) =>
    pick('drop', [
      `You set the ${thingName(facts)} down. It will be here if you want it again.`,
      `You place the ${thingName(facts)} down gently, and your load feels a little lighter.`,
    ]),
  use: useItem,
  talk: talkWith,
  inventory: (facts, pick) =>
    facts.inventory.length > 0
      ? pick('inventory', [
          `You check what you are carrying: ${carried(facts.inventory)}.`,
          `In your bag you find ${carried(facts.inventory)}.`,
        ])
      : pick('inventory', [
          "Your hands are free right now, and that's fine too.",
          'You are carrying nothing at the moment; you can travel light.',
        ]),
  help: (_facts, pick) => `${pick('help', HELP_OPENINGS)} ${HELP_TEXT}`,
  rest: (facts, pick) =>
    pick('rest', [
      `You settle down in ${placeName(facts)} and let your breathing slow: in for four, and out for six.`,
      `You find a comfortable spot and rest. There is nothing you need to do right now.`,
      `You close your eyes for a while. ${capitalize(placeName(facts))} is patient with you.`,
    ]),
  express: expressFeeling,
  unknown: (_facts, pick) =>
    pick('unknown', [
      "I'm not quite sure what you'd like to do, and that's perfectly okay.",
      "Those words drift past you like a breeze. That's alright; we can find the next step together.",
    ]),
};

/** What a passage begins with when the world could not carry the intent out. */
export const NOT_APPLIED: Template = (facts, pick) => {
  const opening = pick('notApplied', [
    "That doesn't quite work out just now, and that's perfectly alright.",
    'Not everything opens at once, and there is no rush.',
    "That isn't possible right here, and that's okay.",
  ]);
  return [opening, ...facts.changes].join(' ');
};

/** Ways of offering the player choices; each takes three options. */
export const INVITATIONS: readonly ((a: string, b: string, c: string) => string)[] = [
  (a, b, c) => `You could ${a}, ${b}, or simply ${c}. Whatever feels right is enough.`,
  (a, b, c) => `If you like, you might ${a} or ${b}; or you could ${c}. There is no hurry.`,
  (a, b, c) => `When you are ready, you could ${a}, ${b}, or ${c}.`,
];

/** The tone of a passage. */
export function toneOf(facts: PassageFacts): NarrativeTone {
  if (facts.verb === 'unknown' || !facts.applied) return 'reassuring';
  if (facts.verb === 'express') return facts.valence === 'pleasant' ? 'warm' : 'gentle';
  if (facts.verb === 'talk') return 'warm';
  if (facts.verb === 'help') return 'encouraging';
  return 'calm';
}
