import { readFileSync } from 'node:fs';
import { ConfigError, SAFETY_CATEGORIES, toError, type SafetyCategory } from '@tta/core';
import { z } from 'zod';
import { normalizeSegments } from '../text/normalize-text';

const phrase = z.string().trim().min(1, 'must not be empty');
const phraseList = z.array(phrase);

const categoryEntry = z
  .object({
    /** Phrases that alone mean the player may be in danger now. */
    crisis: phraseList,
    /** Phrases worth a gentle check-in. */
    concern: phraseList,
  })
  .strict();

/** The shape of `config/safety-lexicon.json`. */
export const safetyLexiconFileSchema = z
  .object({
    /** Format version of the file: 1. */
    version: z.literal(1),
    /** Crisis and concern phrases of every safety category. */
    categories: z
      .object(
        Object.fromEntries(SAFETY_CATEGORIES.map((category) => [category, categoryEntry])) as {
          [K in SafetyCategory]: typeof categoryEntry;
        },
      )
      .strict(),
    /** Creatures, weapons and combat words of the story; a clause naming one is read as play. */
    gameContexts: phraseList,
    /** Words that negate a phrase they come shortly before ("not", "never"). */
    negations: phraseList.min(1, 'must name at least one negation'),
  })
  .strict();

/** The contents of a safety lexicon file. */
export type SafetyLexiconFile = z.infer<typeof safetyLexiconFileSchema>;

/** One phrase of the lexicon, ready for matching. */
export interface LexiconPhrase {
  /** The phrase as written in the file. */
  phrase: string;
  /** Its normalised words. */
  words: readonly string[];
  category: SafetyCategory;
  level: 'crisis' | 'concern';
}

/** A safety lexicon compiled for {@link screenText}: phrases as normalised words. */
export interface SafetyLexicon {
  /** Phrases by their first word, for a quick lookup while scanning. */
  readonly phrasesByFirstWord: ReadonlyMap<string, readonly LexiconPhrase[]>;
  /** Game contexts as normalised words. */
  readonly gameContexts: readonly (readonly string[])[];
  /** Negations as normalised words. */
  readonly negations: readonly (readonly string[])[];
}

function words(text: string): string[] {
  return normalizeSegments(text).flat();
}

function compilePhrases(file: SafetyLexiconFile): Map<string, LexiconPhrase[]> {
  const byFirstWord = new Map<string, LexiconPhrase[]>();
  for (const category of SAFETY_CATEGORIES) {
    for (const level of ['crisis', 'concern'] as const) {
      for (const text of file.categories[category][level]) {
        const compiled: LexiconPhrase = { phrase: text, words: words(text), category, level };
        const first = compiled.words[0];
        if (first === undefined) continue;
        byFirstWord.set(first, [...(byFirstWord.get(first) ?? []), compiled]);
      }
    }
  }
  // Longer phrases first, so that the most specific phrase is reported first.
  for (const list of byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);
  return byFirstWord;
}

/** Compiles a validated lexicon file's contents for {@link screenText}. */
export function compileSafetyLexicon(file: SafetyLexiconFile): SafetyLexicon {
  return {
    phrasesByFirstWord: compilePhrases(file),
    gameContexts: file.gameContexts.map(words).filter((list) => list.length > 0),
    negations: file.negations.map(words).filter((list) => list.length > 0),
  };
}

/**
 * Validates a lexicon's contents and compiles it. Throws a `ConfigError` whose message names
 * `source` (the file) and the first offending field.
 */
export function parseSafetyLexicon(value: unknown, source: string): SafetyLexicon {
  const parsed = safetyLexiconFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    const reason =
      issue?.code === 'unrecognized_keys'
        ? `unknown field(s): ${issue.keys.join(', ')}`
        : (issue?.message ?? 'invalid');
    throw new ConfigError(`safety lexicon ${source}: invalid ${field}: ${reason}`, parsed.error);
  }
  return compileSafetyLexicon(parsed.data);
}

/**
 * Reads, validates and compiles the safety lexicon at `filePath` (see
 * `config/safety-lexicon.json`), synchronously, as config is loaded at start. Throws a `ConfigError` naming the file, and the field when the
 * contents are wrong.
 */
export function loadSafetyLexicon(filePath: string): SafetyLexicon {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    throw new ConfigError(`safety lexicon ${filePath}: cannot read: ${toError(err).message}`, err);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`safety lexicon ${filePath}: not JSON: ${toError(err).message}`, err);
  }
  return parseSafetyLexicon(value, filePath);
}
