import { patterns } from './word-patterns';

/** Verbs of going somewhere. */
export const MOVE_VERBS = patterns([
  'go',
  'go back',
  'walk',
  'run',
  'head',
  'move',
  'travel',
  'wander',
  'stroll',
  'hike',
  'climb',
  'enter',
  'exit',
  'return',
  'proceed',
  'continue',
  'journey',
  'step',
  'follow the path',
  'follow the trail',
  'take the path',
  'make my way',
]);

/** What a move verb means without a destination ("climb", "enter"). */
export const MOVE_DEFAULTS: Readonly<Record<string, string>> = {
  climb: 'up',
  enter: 'in',
  exit: 'out',
};

/** Words between a move verb and its destination: "go to the garden". */
export const MOVE_PARTICLES = patterns([
  'to',
  'towards',
  'toward',
  'into',
  'onto',
  'in to',
  'through',
  'across',
  'along',
  'over to',
  'back to',
  'the path to',
  'the way to',
  'up to',
  'down to',
]);

/** Verbs of picking something up. */
export const TAKE_VERBS = patterns([
  'pick up',
  'take',
  'get',
  'grab',
  'collect',
  'gather',
  'fetch',
  'lift',
  'snatch',
  'pocket',
  'pick',
]);

/** Verbs of putting something down; "put X on Y" is a use. */
export const DROP_VERBS = patterns([
  'put down',
  'set down',
  'lay down',
  'throw away',
  'let go of',
  'drop',
  'discard',
  'leave',
  'put',
  'set',
  'place',
  'lay',
  'release',
  'toss',
]);

/** Where a dropped thing goes when it is simply put down. */
export const GROUND_WORDS = ['ground', 'floor', 'grass', 'earth'];

/** Verbs of using something. */
export const USE_VERBS = patterns([
  'use',
  'open',
  'unlock',
  'light',
  'read',
  'play',
  'write in',
  'write',
  'plant',
  'sow',
  'ring',
  'wear',
  'eat',
  'drink',
  'fly',
  'turn on',
  'switch on',
  'push',
  'pull',
  'touch',
  'water',
  'hold',
  'hug',
]);

/** Prepositions between the two objects of a use: "use key on door". */
export const USE_PREPOSITIONS = ['on', 'with', 'in', 'into', 'onto', 'at', 'to'];

/** Verbs of speaking to someone. */
export const TALK_VERBS = patterns([
  'talk to',
  'talk with',
  'talk',
  'speak to',
  'speak with',
  'speak',
  'chat with',
  'chat to',
  'chat',
  'ask',
  'greet',
  'say hello to',
  'say hi to',
  'say hello',
  'say hi',
  'hello',
  'hi',
  'hey',
  'wave to',
  'wave at',
  'thank',
  'call out to',
  'call to',
  'tell',
  'converse with',
]);

/** Verbs of looking at something. */
export const LOOK_VERBS = patterns([
  'take a closer look',
  'take a look',
  'have a look',
  'look',
  'l',
  'examine',
  'x',
  'inspect',
  'study',
  'observe',
  'view',
  'check',
  'search',
  'explore',
  'watch',
  'admire',
  'listen',
  'smell',
  'peer',
  'gaze',
  'glance',
  'see',
]);

/** Words between a look verb and its target: "look at the lake". */
export const LOOK_PARTICLES = patterns([
  'closely at',
  'closer at',
  'at',
  'around',
  'in',
  'into',
  'inside',
  'under',
  'behind',
  'on',
  'to',
  'for',
  'out at',
  'out over',
  'over',
]);

/** Verbs and phrases of resting. */
export const REST_VERBS = patterns([
  'take a break',
  'take a rest',
  'take a nap',
  'take a moment',
  'take a breath',
  'take a deep breath',
  'take some deep breaths',
  'take deep breaths',
  'have a rest',
  'have a nap',
  'sit down',
  'lie down',
  'lay down',
  'close my eyes',
  'calm down',
  'rest',
  'sit',
  'sleep',
  'nap',
  'relax',
  'lie',
  'meditate',
  'pause',
  'wait',
  'z',
  'breathe',
  'stretch',
  'unwind',
]);

/** Words between a rest verb and where one rests: "sit on the bench". */
export const REST_PARTICLES = patterns([
  'on',
  'by',
  'in',
  'under',
  'near',
  'beside',
  'at',
  'against',
]);

/** How long one rests: dropped. */
export const REST_DURATIONS = patterns([
  'for a while',
  'for a bit',
  'for a moment',
  'for a minute',
  'awhile',
  'a while',
  'deeply',
  'slowly',
]);

/** Ways of saying one feels something; what follows is the feeling. */
export const FEELING_LEADS = patterns([
  'have been feeling',
  'been feeling',
  'am feeling',
  'feel like',
  'feel',
  'feeling',
  'felt',
  'am',
  'have been',
]);

/** Words that soften or strengthen a feeling: "so sad", "a bit lost". */
export const INTENSIFIERS = patterns([
  'so',
  'very',
  'really',
  'quite',
  'a bit',
  'a little',
  'a little bit',
  'kind of',
  'sort of',
  'pretty',
  'too',
  'rather',
  'extremely',
  'incredibly',
  'totally',
  'completely',
  'just',
  'a lot',
  'somewhat',
  'super',
]);

/** Words that end a feeling: "sad because...". */
export const FEELING_ENDS = ['and', 'but', 'because', 'about', 'since', 'when', 'that', 'today'];
