import type { default as WinkNlp, WinkMethods } from 'wink-nlp';
import type { default as EnglishModel } from 'wink-eng-lite-web-model';
import type { ConceptName, SafetyLexicon } from '../lexicon/screen-lexicon';
import { withinEditDistance } from './edit-distance';

/** One word of the player's text, as the rules read it. */
export interface ScreenToken {
  /** The normalised word. */
  word: string;
  /** Its lemma ("hanging" → "hang"). */
  lemma: string;
  /** Universal part of speech (VERB, NOUN, PRON, ...). */
  pos: string;
  /** Sentence number. */
  sentence: number;
  /** Clause number: sentences are split at commas, colons and conjunctions. */
  clause: number;
  /** Inside quotation marks, or after a colon that follows a reading verb ("the note reads:"). */
  quoted: boolean;
}

/** A concept found at a token: the concept and how many tokens the match spans. */
export interface ConceptHit {
  concept: ConceptName;
  length: number;
}

/** The player's text analysed: tokens, and the lexicon's concepts found at each. */
export interface ScreenDocument {
  readonly tokens: readonly ScreenToken[];
  /** Length of the longest match of `concept` starting at token `i`; 0 when none. */
  at(i: number, concept: ConceptName): number;
  /** The concepts found at token `i`, with the length of each match. */
  conceptsAt(i: number): readonly ConceptHit[];
  /** Whether fuzzy correction changed a word. */
  readonly corrected: boolean;
}

const SENTENCE_END = new Set(['.', '!', '?', ';', '…', '>', '|']);
const CLAUSE_BREAK_PUNCT = new Set([',', ':', '(', ')', '-', '–', '—', '[', ']', '/']);
const CLAUSE_BREAK_WORDS = new Set([
  'but',
  'and',
  'because',
  'then',
  'while',
  'although',
  'though',
  'yet',
  'or',
  'cause',
  'cuz',
  'whereas',
  'unless',
  'plus',
  'also',
  'anyway',
  'anyways',
]);
const QUOTE_MARKS = new Set(['"', "'"]);
const READ_ALOUD = new Set(['say', 'read', 'go', 'write', 'state']);
/**
 * Longest sentence, in words: a longer run without punctuation is cut here, so that every rule
 * that reads a sentence costs at most this much per word (linear time on hostile input).
 */
const MAX_SENTENCE_WORDS = 120;
/** How many out-of-vocabulary words an NLP instance may learn before it is replaced. */
const MAX_LEARNED_WORDS = 10_000;
/** Most corrections remembered before the cache starts again. */
const MAX_CACHED_CORRECTIONS = 5_000;
/** Longest text analysed word by word; beyond it the rest is read in further chunks. */
const CHUNK_CHARS = 20_000;

/** Index of the lexicon's concepts by the word an entry starts with. */
interface ConceptIndex {
  readonly single: ReadonlyMap<string, readonly ConceptName[]>;
  readonly phrases: ReadonlyMap<
    string,
    readonly { concept: ConceptName; words: readonly string[] }[]
  >;
}

function buildIndex(lexicon: SafetyLexicon): ConceptIndex {
  const single = new Map<string, ConceptName[]>();
  const phrases = new Map<string, { concept: ConceptName; words: readonly string[] }[]>();
  for (const [name, concept] of Object.entries(lexicon.concepts) as [
    ConceptName,
    SafetyLexicon['concepts'][ConceptName],
  ][]) {
    for (const word of concept.words) single.set(word, [...(single.get(word) ?? []), name]);
    for (const [first, list] of concept.phrases) {
      const entries = phrases.get(first) ?? [];
      for (const words of list) entries.push({ concept: name, words });
      phrases.set(first, entries);
    }
  }
  return { single, phrases };
}

/**
 * A wink-nlp instance with its English model and the POS pipe (lemmas need it). Loaded on first
 * use, not at import: only a process that screens pays for the model (about 40 MiB), not every
 * worker that imports `@tta/agents`.
 */
function createNlp(): WinkMethods {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily on purpose */
  const winkNLP = require('wink-nlp') as typeof WinkNlp;
  const model = require('wink-eng-lite-web-model') as typeof EnglishModel;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return winkNLP(model, ['pos']);
}

type Column = 'lemma' | 'pos' | 'uniqueId';
type WinkDocument = ReturnType<WinkMethods['readDoc']>;

/** One property of every token of `doc` (wink-nlp's `its` helpers are plain functions it calls). */
function tokenColumn(nlp: WinkMethods, doc: WinkDocument, column: Column): (string | number)[] {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- wink-nlp calls its helpers unbound
  const helper = nlp.its[column] as unknown as Parameters<
    ReturnType<WinkDocument['tokens']>['out']
  >[0];
  return doc.tokens().out(helper) as unknown as (string | number)[];
}

function readColumn(nlp: WinkMethods, text: string, column: Column): (string | number)[] {
  return tokenColumn(nlp, nlp.readDoc(text), column);
}

function addHit(found: ConceptHit[], concept: ConceptName, length: number): void {
  for (const hit of found) {
    if (hit.concept !== concept) continue;
    if (length > hit.length) hit.length = length;
    return;
  }
  found.push({ concept, length });
}

function tokenMatches(token: ScreenToken | undefined, word: string): boolean {
  return token !== undefined && (token.word === word || token.lemma === word);
}

/**
 * Turns normalised text into tokens with lemmas, clauses and quote marks (wink-nlp and its
 * English model, shipped inside the npm package), and finds the lexicon's concepts. Linear in
 * the text's length. Words wink-nlp does not know are corrected to a risk word of the lexicon
 * within a small edit distance ("suicidl" → "suicidal").
 */
export class ScreenAnalyzer {
  private nlp: WinkMethods;
  private readonly index: ConceptIndex;
  private readonly fuzzyLemmas = new Map<string, string>();
  /** Corrections already made (`null`: none), since the same misspellings come back. */
  private readonly corrections = new Map<string, string | null>();
  /** Lexicon words by first letter and length ("s7" → "suicide", ...), for fuzzy correction. */
  private readonly wordsByShape = new Map<string, string[]>();
  private vocabularySize: number;
  /** Highest word id seen: ids past the vocabulary are words this instance learned. */
  private highestId = 0;

  constructor(private readonly lexicon: SafetyLexicon) {
    this.nlp = createNlp();
    this.vocabularySize = this.firstUnknownId();
    this.index = buildIndex(lexicon);
    for (const word of lexicon.vocabulary) {
      if (word.length < 5 || !/^[a-z]+$/.test(word)) continue;
      const key = `${word[0] ?? ''}${word.length}`;
      this.wordsByShape.set(key, [...(this.wordsByShape.get(key) ?? []), word]);
    }
    for (const word of lexicon.fuzzy) {
      this.fuzzyLemmas.set(word, String(readColumn(this.nlp, word, 'lemma')[0] ?? word));
    }
  }

  /** Analyses normalised text (see `normalizeScreenText`). */
  analyze(normalized: string): ScreenDocument {
    const tokens: ScreenToken[] = [];
    let corrected = false;
    const state = { sentence: 0, clause: 0, inQuote: false, colonQuote: false, words: 0 };
    for (let start = 0; start < normalized.length; start += CHUNK_CHARS) {
      const chunk = normalized.slice(start, start + CHUNK_CHARS);
      corrected = this.readChunk(chunk, tokens, state) || corrected;
    }
    this.renewIfGrown();
    const hits = this.findConcepts(tokens);
    return {
      tokens,
      corrected,
      at: (i, concept) => hits[i]?.find((hit) => hit.concept === concept)?.length ?? 0,
      conceptsAt: (i) => hits[i] ?? [],
    };
  }

  private readChunk(
    text: string,
    tokens: ScreenToken[],
    state: {
      sentence: number;
      clause: number;
      inQuote: boolean;
      colonQuote: boolean;
      words: number;
    },
  ): boolean {
    const doc = this.nlp.readDoc(text);
    const words = doc.tokens().out();
    const lemmas = tokenColumn(this.nlp, doc, 'lemma') as string[];
    const tags = tokenColumn(this.nlp, doc, 'pos') as string[];
    const ids = tokenColumn(this.nlp, doc, 'uniqueId') as number[];
    let corrected = false;
    words.forEach((raw, i) => {
      const word = raw.toLowerCase();
      this.highestId = Math.max(this.highestId, ids[i] ?? 0);
      const ends = SENTENCE_END.has(word);
      if (ends || state.words >= MAX_SENTENCE_WORDS) {
        state.words = 0;
        state.sentence += 1;
        state.clause += 1;
        state.colonQuote = false;
        if (ends) return;
      }
      if (QUOTE_MARKS.has(word)) {
        state.inQuote = !state.inQuote;
        state.clause += 1;
        return;
      }
      if (word === ':' && this.endsWithReading(tokens)) state.colonQuote = true;
      if (CLAUSE_BREAK_PUNCT.has(word) || CLAUSE_BREAK_WORDS.has(word)) state.clause += 1;
      if (!/[a-z0-9]/.test(word)) return;
      state.words += 1;
      let lemma = (lemmas[i] ?? word).toLowerCase();
      let fixed = word;
      if ((ids[i] ?? 0) >= this.vocabularySize && !this.lexicon.vocabulary.has(word)) {
        const guess = this.correct(word);
        if (guess !== undefined) {
          fixed = guess;
          lemma = this.lemmaOf(guess);
          corrected = true;
        }
      }
      tokens.push({
        word: fixed === "n't" || fixed === 'nt' ? 'not' : fixed,
        lemma: lemma === "n't" || lemma === 'nt' ? 'not' : lemma,
        pos: tags[i] ?? 'X',
        sentence: state.sentence,
        clause: state.clause,
        quoted: state.inQuote || state.colonQuote,
      });
      // "the note says i could not bear it": what a text of the world says is read aloud.
      if (READ_ALOUD.has(lemma) && this.namesText(tokens)) state.colonQuote = true;
    });
    return corrected;
  }

  /** Whether the last words read name something read aloud ("the letter reads", "it says"). */
  private endsWithReading(tokens: readonly ScreenToken[]): boolean {
    const { readVerb, textObject } = this.lexicon.concepts;
    for (let i = tokens.length - 1; i >= Math.max(0, tokens.length - 4); i -= 1) {
      const t = tokens[i];
      if (t === undefined) break;
      if (readVerb.words.has(t.word) || readVerb.words.has(t.lemma)) return true;
      if (textObject.words.has(t.word) || textObject.words.has(t.lemma)) return true;
    }
    return false;
  }

  /** Whether a text of the world leads the reading verb just read ("the note says", "it reads"). */
  private namesText(tokens: readonly ScreenToken[]): boolean {
    const { textObject } = this.lexicon.concepts;
    const last = tokens.length - 1;
    const verb = tokens[last];
    for (let i = last - 1; i >= Math.max(0, last - 3); i -= 1) {
      const t = tokens[i];
      if (t === undefined || t.sentence !== verb?.sentence) return false;
      if (['i', 'me', 'my', 'we'].includes(t.word)) return false;
      if (textObject.words.has(t.word) || textObject.words.has(t.lemma) || t.word === 'it')
        return true;
    }
    return false;
  }

  /**
   * The lexicon word an unknown word was probably meant as: a risk word of `fuzzy` first, else
   * any word of the lexicon; same first letter, at most one edit (two from 8 letters on).
   */
  private correct(word: string): string | undefined {
    if (word.length < 4 || !/^[a-z]+$/.test(word)) return undefined;
    if (this.corrections.has(word)) return this.corrections.get(word) ?? undefined;
    if (this.corrections.size >= MAX_CACHED_CORRECTIONS) this.corrections.clear();
    const found = this.findCorrection(word);
    this.corrections.set(word, found ?? null);
    return found;
  }

  private findCorrection(word: string): string | undefined {
    const maxDistance = word.length >= 8 ? 2 : 1;
    const near = (target: string) =>
      target[0] === word[0] &&
      Math.abs(target.length - word.length) <= maxDistance &&
      withinEditDistance(word, target, maxDistance);
    const risk = this.lexicon.fuzzy.find(near);
    if (risk !== undefined || word.length < 5) return risk;
    for (let length = word.length - maxDistance; length <= word.length + maxDistance; length += 1) {
      const found = this.wordsByShape.get(`${word[0] ?? ''}${length}`)?.find(near);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  private lemmaOf(word: string): string {
    let lemma = this.fuzzyLemmas.get(word);
    if (lemma === undefined) {
      lemma = String(readColumn(this.nlp, word, 'lemma')[0] ?? word);
      this.fuzzyLemmas.set(word, lemma);
    }
    return lemma;
  }

  private findConcepts(tokens: readonly ScreenToken[]): ConceptHit[][] {
    const hits: ConceptHit[][] = new Array<ConceptHit[]>(tokens.length);
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i] as ScreenToken;
      const found: ConceptHit[] = [];
      this.collect(tokens, i, token.word, found);
      if (token.lemma !== token.word) this.collect(tokens, i, token.lemma, found);
      hits[i] = found;
    }
    return hits;
  }

  /** Adds to `found` the concepts whose entries start with `key` and match at token `i`. */
  private collect(
    tokens: readonly ScreenToken[],
    i: number,
    key: string,
    found: ConceptHit[],
  ): void {
    for (const concept of this.index.single.get(key) ?? []) addHit(found, concept, 1);
    const sentence = tokens[i]?.sentence;
    for (const { concept, words } of this.index.phrases.get(key) ?? []) {
      let fits = true;
      for (let k = 1; k < words.length && fits; k += 1) {
        const next = tokens[i + k];
        fits =
          next !== undefined && next.sentence === sentence && tokenMatches(next, words[k] ?? '');
      }
      if (fits) addHit(found, concept, words.length);
    }
  }

  private firstUnknownId(): number {
    const ids = readColumn(this.nlp, 'qzxjvkw', 'uniqueId') as number[];
    return ids[0] ?? Number.MAX_SAFE_INTEGER;
  }

  /** wink-nlp keeps every unknown word it meets: a fresh instance bounds the memory. */
  private renewIfGrown(): void {
    if (this.highestId - this.vocabularySize < MAX_LEARNED_WORDS) return;
    this.nlp = createNlp();
    this.vocabularySize = this.firstUnknownId();
    this.highestId = 0;
  }
}
