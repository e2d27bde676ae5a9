import { SAFETY_CATEGORIES, type SafetyCategory, type SafetyLevel } from '@tta/core';
import { normalizeSegments } from '../text/normalize-text';
import type { LexiconPhrase, SafetyLexicon } from './safety-lexicon';

/** One lexicon phrase found in the player's text, at the level it counts for. */
export interface SafetyMatch {
  category: SafetyCategory;
  /** The phrase as the lexicon writes it. */
  phrase: string;
  /** The phrase's level after negation and game context: never `safe`. */
  level: SafetyLevel;
}

/** What the safety screen makes of the player's text. */
export interface SafetyScreen {
  /** The highest level of any match; `safe` with no match. */
  level: SafetyLevel;
  /** Categories of the matches, in the order of `SAFETY_CATEGORIES`. */
  categories: SafetyCategory[];
  /** Every phrase found, in the order it appears. */
  matches: SafetyMatch[];
}

interface Token {
  word: string;
  /** Sentence or clause between punctuation: a phrase never spans two. */
  segment: number;
  /** Clause, also split at conjunctions: the reach of a negation or a game context. */
  clause: number;
}

/** Words that begin a new clause. */
const CLAUSE_BREAKS = new Set([
  'but',
  'and',
  'because',
  'then',
  'while',
  'when',
  'although',
  'though',
  'yet',
  'whereas',
  'until',
]);

/** How many words before a phrase a negation still negates it ("not really suicidal"). */
const NEGATION_WINDOW_WORDS = 3;

const RANK: Readonly<Record<SafetyLevel, number>> = { safe: 0, concern: 1, crisis: 2 };
const LOWER: Readonly<Record<SafetyLevel, SafetyLevel>> = {
  crisis: 'concern',
  concern: 'safe',
  safe: 'safe',
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let clause = 0;
  normalizeSegments(text).forEach((words, segment) => {
    clause += 1;
    for (const word of words) {
      if (CLAUSE_BREAKS.has(word)) clause += 1;
      tokens.push({ word, segment, clause });
    }
  });
  return tokens;
}

function matchesAt(tokens: readonly Token[], start: number, words: readonly string[]): boolean {
  const segment = tokens[start]?.segment;
  return words.every((word, i) => {
    const token = tokens[start + i];
    return token !== undefined && token.word === word && token.segment === segment;
  });
}

/** Whether `pattern` occurs in `clause` at some position for which `where` holds. */
function occursIn(
  tokens: readonly Token[],
  pattern: readonly string[],
  clause: number,
  where: (start: number, end: number) => boolean,
): boolean {
  return tokens.some(
    (token, start) =>
      token.clause === clause &&
      tokens[start + pattern.length - 1]?.clause === clause &&
      matchesAt(tokens, start, pattern) &&
      where(start, start + pattern.length),
  );
}

function levelAt(
  tokens: readonly Token[],
  start: number,
  phrase: LexiconPhrase,
  lexicon: SafetyLexicon,
): SafetyLevel {
  const clause = tokens[start]?.clause ?? 0;
  const end = start + phrase.words.length;
  const negated = lexicon.negations.some((negation) =>
    occursIn(tokens, negation, clause, (s, e) => e <= start && s >= start - NEGATION_WINDOW_WORDS),
  );
  // A game word inside the phrase itself ("panic attack") does not make it play.
  const inPlay = lexicon.gameContexts.some((context) =>
    occursIn(tokens, context, clause, (s, e) => e <= start || s >= end),
  );
  let level: SafetyLevel = phrase.level;
  if (negated) level = LOWER[level];
  if (inPlay) level = LOWER[level];
  return level;
}

function findMatches(tokens: readonly Token[], lexicon: SafetyLexicon): SafetyMatch[] {
  const found = new Map<string, SafetyMatch>();
  tokens.forEach((token, start) => {
    for (const phrase of lexicon.phrasesByFirstWord.get(token.word) ?? []) {
      if (!matchesAt(tokens, start, phrase.words)) continue;
      const level = levelAt(tokens, start, phrase, lexicon);
      const key = `${phrase.category}\u0000${phrase.phrase}`;
      const seen = found.get(key);
      if (level === 'safe' || (seen !== undefined && RANK[seen.level] >= RANK[level])) continue;
      found.set(key, { category: phrase.category, phrase: phrase.phrase, level });
    }
  });
  return [...found.values()];
}

/**
 * Screens the player's text against a safety lexicon. Pure and deterministic. Phrases match
 * whole words of the normalised text ("don't", "dont" and "do not" read alike). A negation
 * shortly before a phrase ("I'm not suicidal") lowers it one level, and so does a game
 * context in the same clause ("the bandit wants to kill me"): crisis becomes concern, and
 * concern is dropped.
 */
export function screenText(text: string, lexicon: SafetyLexicon): SafetyScreen {
  const matches = findMatches(tokenize(text), lexicon);
  const level = matches.reduce<SafetyLevel>(
    (highest, match) => (RANK[match.level] > RANK[highest] ? match.level : highest),
    'safe',
  );
  const present = new Set(matches.map((match) => match.category));
  const categories = SAFETY_CATEGORIES.filter((category) => present.has(category));
  return { level, categories, matches };
}
