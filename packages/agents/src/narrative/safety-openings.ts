import type { NarrativeSafety, SafetyCategory } from '@tta/contracts';
import type { Picker } from './stable-hash';

/**
 * Categories from the most serious down: a turn with several is checked in on for the first.
 * Every category has check-ins, so this is also the list of categories the openings know.
 */
export const CHECK_IN_ORDER = [
  'suicidal_ideation',
  'self_harm',
  'eating_disorder',
  'substance_abuse',
  'domestic_violence',
  'panic_attack',
  'severe_depression',
  'distress',
] as const satisfies readonly SafetyCategory[];

/**
 * Check-ins a concern turn opens with, by category: one or two sentences that validate
 * without naming or diagnosing anything, and offer the support the run lists below the
 * passage (never a number: the run's result carries the resources).
 */
export const CHECK_INS: Readonly<Record<SafetyCategory, readonly string[]>> = {
  suicidal_ideation: [
    "It sounds like things have been really painful, and I'm glad you said something. You don't have to face this alone; there are people ready to listen any time, and you'll find them just below this passage.",
    'Thank you for trusting me with something this heavy. If talking with someone would help, caring people are there day and night, and you will find how to reach them below this passage.',
  ],
  self_harm: [
    'It sounds like you have been hurting a lot, and that matters. If it would help to talk with someone, there are people ready to listen any time; you will find them below this passage.',
    'Thank you for sharing something so painful; you deserve care and kindness. Whenever you want it, support is waiting just below this passage.',
  ],
  eating_disorder: [
    'If food or the way you feel about your body has been hard lately, that is a lot to carry, and you deserve support with it. There are kind people to talk with, listed below this passage, whenever you like.',
    "Thank you for sharing that; it's okay to find these things difficult. If it would help to talk with someone, you'll find people ready to listen below this passage.",
  ],
  substance_abuse: [
    "It sounds like things have been hard lately, and there's no judgement here at all. If you'd ever like to talk it through with someone, friendly and confidential support is listed below this passage.",
    'Thank you for being honest about what has been going on; that takes courage. Whenever it would help, there are people ready to listen, and you will find them below this passage.',
  ],
  domestic_violence: [
    "Nobody deserves to feel unsafe, and what you shared matters. If you'd like to talk with someone who understands, there is confidential support listed below this passage, whenever it feels right.",
    "Thank you for telling me; that sounds really hard, and it isn't your fault. People who can listen, and help you feel safer, are listed below this passage whenever you want them.",
  ],
  panic_attack: [
    'That sounds really overwhelming, and it makes sense to feel shaken. There is no rush here; if it would help to talk with someone, support is listed below this passage.',
    "It's okay if everything feels like too much right now; feelings like this do pass, and you are not alone with them. If talking with someone would help, you'll find people ready to listen below this passage.",
  ],
  severe_depression: [
    'It sounds like things have felt very heavy for a while, and that is a lot to carry. If it would help to talk with someone, there are people ready to listen any time; you will find them below this passage.',
    'Thank you for sharing how hard things have been; your feelings matter here. Whenever you want it, support is waiting just below this passage.',
  ],
  distress: [
    'That sounds really heavy to carry. If it would help to talk with someone, there are people ready to listen any time; you will find them below this passage.',
    "It sounds like a lot is going on for you right now, and it's okay to feel this way. Support is listed below this passage, whenever you'd like it.",
  ],
};

/** What a passage opens with in supportive mode, after a crisis earlier in the session. */
export const SUPPORTIVE_OPENINGS: readonly string[] = [
  "Thank you for staying with the story. Whatever you are carrying right now, you don't have to carry it alone; support is listed below whenever you want it.",
  "It's good to be here with you. We can take this as slowly as you like, and support is listed below whenever you want it.",
  "There's no hurry here at all; take whatever time you need. Support is listed below whenever you'd like it.",
];

/** What a passage ends with after a long stretch of play. */
export const BREAK_SUGGESTIONS: readonly string[] = [
  'You have been travelling for a while now. This might be a good moment to stretch, drink some water and rest your eyes; the story will wait for you.',
  'You have been on this journey for some time. If you like, take a short break with a glass of water or a little stretch; everything here will be just as you left it.',
  'Perhaps this is a nice moment for a pause: stand up, breathe, and rest your eyes for a bit. The path will still be here when you come back.',
];

/** How a passage opens for the turn's safety: a check-in, a supportive line, or as usual. */
export type SafetyOpening = 'check-in' | 'supportive' | 'none';

/**
 * How the passage of a turn with `safety` opens. A `concern` turn opens with a check-in, in
 * supportive mode too (one opening, never two); so does a `crisis` that reached the narrator,
 * which must never get a plain story.
 */
export function safetyOpening(safety: NarrativeSafety | undefined): SafetyOpening {
  if (safety === undefined) return 'none';
  if (safety.level !== 'safe') return 'check-in';
  return safety.supportive === true ? 'supportive' : 'none';
}

/** Whether the turn is told gently: in supportive mode, or on a crisis that reached the narrator. */
export function toldGently(safety: NarrativeSafety | undefined): boolean {
  return safety?.supportive === true || safety?.level === 'crisis';
}

/** The most serious of `categories`; `distress` when none is known. */
export function mostSeriousCategory(categories: readonly string[]): SafetyCategory {
  return CHECK_IN_ORDER.find((category) => categories.includes(category)) ?? 'distress';
}

/**
 * The line the passage of a turn with `safety` opens with: a check-in for its most serious
 * category, a supportive line in supportive mode, or `undefined` when it opens as usual.
 */
export function checkInFor(safety: NarrativeSafety | undefined, pick: Picker): string | undefined {
  const opening = safetyOpening(safety);
  if (opening === 'supportive') return pick('supportive', SUPPORTIVE_OPENINGS);
  if (opening === 'none' || safety === undefined) return undefined;
  const category = mostSeriousCategory(safety.categories);
  return pick(`checkIn:${category}`, CHECK_INS[category]);
}

/** The break the passage of a turn with `safety` ends with, when it asked for one. */
export function breakSuggestionFor(
  safety: NarrativeSafety | undefined,
  pick: Picker,
): string | undefined {
  return safety?.suggestBreak === true ? pick('break', BREAK_SUGGESTIONS) : undefined;
}
