import { z } from 'zod';
import { readJsonFile, schemaConfigError } from '../config-file';

/** The vocabularies the structural rules of the screen read (see `config/safety-lexicon.json`). */
export const CONCEPT_NAMES = [
  'self',
  'selfPhrase',
  'reflexive',
  'desire',
  'deathWord',
  'deathPhrase',
  'liveWord',
  'lifePhrase',
  'negator',
  'noPoint',
  'lifeObject',
  'betterOff',
  'withoutMe',
  'selfKillVerb',
  'suicideWord',
  'thinkVerb',
  'meansStrong',
  'meansPlace',
  'timeMarker',
  'planWord',
  'prepAct',
  'farewell',
  'quantity',
  'ingest',
  'attemptWord',
  'symptom',
  'edContext',
  'substanceContext',
  'panicCore',
  'panicIntensity',
  'aggressor',
  'violenceVerb',
  'victim',
  'imminence',
  'shVerb',
  'shTarget',
  'shPastOnly',
  'shRecent',
  'laughter',
  'emotion',
  'dismissal',
  'gameNoun',
  'realWorld',
  'readVerb',
  'textObject',
  'gameMechanic',
  'worldEntity',
  'speakTo',
  'realRelation',
  'denialLead',
] as const;

/** The name of one vocabulary of the lexicon. */
export type ConceptName = (typeof CONCEPT_NAMES)[number];

const entry = z.string().trim().min(1, 'must not be empty');
const entries = z.array(entry);
const wordMap = z.record(entry, entry);

/** The shape of `config/safety-lexicon.json`. */
export const safetyLexiconFileSchema = z
  .object({
    /** Format version of the file: 2. */
    version: z.literal(2),
    /** Slang and txt-speak, word or phrase → its plain words ("kms" → "kill myself"). */
    slang: wordMap,
    /** Known misspellings → the word meant ("suicidl" → "suicidal"). */
    typos: wordMap,
    /** Risk words that unknown words within a small edit distance are read as. */
    fuzzy: entries,
    /** Word lists (lemmas or surface forms; phrases as words separated by spaces) by concept. */
    concepts: z
      .object(
        Object.fromEntries(CONCEPT_NAMES.map((name) => [name, entries])) as {
          [K in ConceptName]: typeof entries;
        },
      )
      .strict(),
  })
  .strict();

/** The contents of a safety lexicon file. */
export type SafetyLexiconFile = z.infer<typeof safetyLexiconFileSchema>;

/** One vocabulary compiled for matching. */
export interface Concept {
  /** Entries of one word. */
  readonly words: ReadonlySet<string>;
  /** Entries of several words, by their first word, longest first. */
  readonly phrases: ReadonlyMap<string, readonly (readonly string[])[]>;
}

/** A safety lexicon compiled for the screen. */
export interface SafetyLexicon {
  readonly slang: ReadonlyMap<string, string>;
  /** First words of the slang entries of several words ("catch" of "catch the bus"). */
  readonly slangFirstWords: ReadonlySet<string>;
  readonly typos: ReadonlyMap<string, string>;
  readonly fuzzy: readonly string[];
  readonly concepts: Readonly<Record<ConceptName, Concept>>;
  /** Every word the lexicon knows: words outside it are candidates for fuzzy correction. */
  readonly vocabulary: ReadonlySet<string>;
}

function compileConcept(list: readonly string[]): Concept {
  const words = new Set<string>();
  const phrases = new Map<string, string[][]>();
  for (const item of list) {
    const parts = item.toLowerCase().split(/\s+/).filter(Boolean);
    const [first] = parts;
    if (first === undefined) continue;
    if (parts.length === 1) {
      words.add(first);
      continue;
    }
    phrases.set(first, [...(phrases.get(first) ?? []), parts]);
  }
  for (const list of phrases.values()) list.sort((a, b) => b.length - a.length);
  return { words, phrases };
}

/** Compiles a validated lexicon file's contents. */
export function compileSafetyLexicon(file: SafetyLexiconFile): SafetyLexicon {
  const concepts = Object.fromEntries(
    CONCEPT_NAMES.map((name) => [name, compileConcept(file.concepts[name])]),
  ) as Record<ConceptName, Concept>;
  const vocabulary = new Set<string>();
  for (const concept of Object.values(concepts)) {
    for (const word of concept.words) vocabulary.add(word);
    for (const list of concept.phrases.values())
      for (const p of list) p.forEach((w) => vocabulary.add(w));
  }
  const lower = (map: Record<string, string>) =>
    new Map(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  const slang = lower(file.slang);
  const typos = lower(file.typos);
  for (const value of [...slang.values(), ...typos.values()]) {
    value.split(' ').forEach((w) => vocabulary.add(w));
  }
  const fuzzy = file.fuzzy.map((w) => w.toLowerCase()).filter((w) => !w.includes(' '));
  fuzzy.forEach((w) => vocabulary.add(w));
  const slangFirstWords = new Set(
    [...slang.keys()].filter((key) => key.includes(' ')).map((key) => key.split(' ')[0] ?? ''),
  );
  return { slang, slangFirstWords, typos, fuzzy, concepts, vocabulary };
}

/**
 * Validates a lexicon's contents and compiles it. Throws a `ConfigError` whose message names
 * `source` (the file) and the first offending field.
 */
export function parseSafetyLexicon(value: unknown, source: string): SafetyLexicon {
  const parsed = safetyLexiconFileSchema.safeParse(value);
  if (!parsed.success) throw schemaConfigError('safety lexicon', source, parsed.error);
  return compileSafetyLexicon(parsed.data);
}

/**
 * Reads, validates and compiles the safety lexicon at `filePath` (see
 * `config/safety-lexicon.json`), synchronously, as config is loaded at start. Throws a
 * `ConfigError` naming the file, and the field when the contents are wrong.
 */
export function loadSafetyLexicon(filePath: string): SafetyLexicon {
  return parseSafetyLexicon(readJsonFile('safety lexicon', filePath), filePath);
}
