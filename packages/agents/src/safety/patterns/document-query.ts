import type { ConceptName } from '../lexicon/screen-lexicon';
import type { ScreenDocument, ScreenToken } from '../nlp/screen-document';

/** A span of tokens `[start, end)`. */
export interface Span {
  start: number;
  end: number;
}

const FIRST_PERSON = new Set(['i', 'me', 'my', 'myself', 'mine', "i'm", 'im']);
/** Words that may sit between the parts of a pattern without changing who is meant. */
const FILLERS = new Set([
  'to',
  'just',
  'really',
  'honestly',
  'actually',
  'literally',
  'truly',
  'so',
  'very',
  'be',
  'am',
  'is',
  'are',
  'was',
  'were',
  'been',
  'being',
  'do',
  'does',
  'did',
  'a',
  'the',
  'it',
  'all',
  'even',
  'ever',
  'still',
  'kind',
  'sort',
  'of',
  'kinda',
  'sorta',
  'like',
  'go',
  'going',
  'gonna',
  'wanna',
  'want',
  'would',
  'will',
  'could',
  'should',
  'might',
  'can',
  'may',
  'must',
  'have',
  'has',
  'had',
  'get',
  'got',
  'getting',
  'finally',
  'simply',
  'only',
  'quietly',
  'peacefully',
  'forever',
  'for',
  'good',
  'already',
  'too',
  'also',
  'myself',
  'i',
  'me',
  'not',
  'never',
  'no',
  'longer',
  'anymore',
  'everything',
  'this',
  'that',
  'now',
  'tonight',
  'soon',
  'someday',
  'sometimes',
  'always',
  'often',
  'lately',
  'again',
  'seriously',
  'badly',
  'desperately',
  'somehow',
  'maybe',
  'probably',
  'definitely',
  'basically',
  'pretty',
  'much',
  'more',
  'fucking',
  'fkn',
  'damn',
  'bloody',
  'ok',
  'okay',
  'well',
  'yeah',
  'tbh',
  'lol',
]);

const OTHER_PEOPLE = new Set([
  'him',
  'her',
  'them',
  'he',
  'she',
  'they',
  'you',
  'everyone',
  'everybody',
  'people',
]);

/** Questions the rules ask of an analysed document. */
export class DocumentQuery {
  private readonly sentences: Span[] = [];
  private readonly clauses: Span[] = [];
  /** Index of the first token of the quote each quoted token is in; -1 outside quotes. */
  private readonly quoteStarts: Int32Array;
  private readonly anywhere = new Map<ConceptName, boolean>();
  private readonly texts = new Map<number, string>();

  constructor(readonly doc: ScreenDocument) {
    const { tokens } = doc;
    this.quoteStarts = new Int32Array(tokens.length).fill(-1);
    tokens.forEach((token, i) => {
      const sentence = (this.sentences[token.sentence] ??= { start: i, end: i });
      sentence.end = i + 1;
      const clause = (this.clauses[token.clause] ??= { start: i, end: i });
      clause.end = i + 1;
      if (token.quoted) {
        const previous = tokens[i - 1];
        const continues = previous?.quoted === true && previous.sentence === token.sentence;
        this.quoteStarts[i] = continues ? (this.quoteStarts[i - 1] ?? i) : i;
      }
    });
  }

  /** The words of `[start, end)` joined by spaces: what the sentence-shape rules read. Cached. */
  text(range: Span): string {
    const key = range.start * 1_000_003 + range.end;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = this.tokens
        .slice(range.start, range.end)
        .map((t) => t.word)
        .join(' ');
      this.texts.set(key, text);
    }
    return text;
  }

  /** First token of the quote token `i` is in, or -1. */
  quoteStart(i: number): number {
    return this.quoteStarts[i] ?? -1;
  }

  /** The clause of token `i`. */
  clauseRange(i: number): Span {
    const clause = this.tokens[i]?.clause;
    return (clause === undefined ? undefined : this.clauses[clause]) ?? { start: i, end: i };
  }

  get tokens(): readonly ScreenToken[] {
    return this.doc.tokens;
  }

  /** Length of the match of `concept` at `i` (0 when none). */
  at(i: number, concept: ConceptName): number {
    return this.doc.at(i, concept);
  }

  /** Whether any of `concepts` matches at `i`. */
  any(i: number, ...concepts: ConceptName[]): number {
    for (const concept of concepts) {
      const length = this.doc.at(i, concept);
      if (length > 0) return length;
    }
    return 0;
  }

  /** Every span where `concept` matches. */
  all(concept: ConceptName): Span[] {
    const spans: Span[] = [];
    this.tokens.forEach((_, i) => {
      const length = this.doc.at(i, concept);
      if (length > 0) spans.push({ start: i, end: i + length });
    });
    return spans;
  }

  /**
   * The first match of `concept` starting within `window` tokens after `from`, in the same
   * sentence (and clause when `sameClause`); `allowGap` decides which tokens may be skipped.
   */
  after(
    from: number,
    concept: ConceptName,
    window: number,
    options: { sameClause?: boolean; fillersOnly?: boolean } = {},
  ): Span | undefined {
    const origin = this.tokens[from - 1] ?? this.tokens[from];
    if (origin === undefined) return undefined;
    for (let i = from; i < Math.min(this.tokens.length, from + window + 1); i += 1) {
      const token = this.tokens[i];
      if (token === undefined || token.sentence !== origin.sentence) return undefined;
      if (options.sameClause === true && token.clause !== origin.clause) return undefined;
      const length = this.doc.at(i, concept);
      if (length > 0) return { start: i, end: i + length };
      if (options.fillersOnly === true && !FILLERS.has(token.word) && !FILLERS.has(token.lemma)) {
        return undefined;
      }
    }
    return undefined;
  }

  /** The last match of `concept` ending within `window` tokens before `to`, same sentence. */
  before(to: number, concept: ConceptName, window: number): Span | undefined {
    const origin = this.tokens[to];
    if (origin === undefined) return undefined;
    for (let i = to - 1; i >= Math.max(0, to - window); i -= 1) {
      const token = this.tokens[i];
      if (token === undefined || token.sentence !== origin.sentence) return undefined;
      const length = this.doc.at(i, concept);
      if (length > 0 && i + length <= to + 1) return { start: i, end: i + length };
    }
    return undefined;
  }

  /** Indexes of the tokens of sentence `sentence`. */
  sentenceRange(sentence: number): Span {
    return this.sentences[sentence] ?? { start: this.tokens.length, end: this.tokens.length };
  }

  /** The sentence of token `i`. */
  sentenceOf(i: number): Span {
    return this.sentenceRange(this.tokens[i]?.sentence ?? -1);
  }

  /** Whether a word (or lemma) of `words` comes before token `at` in its sentence. */
  saidBefore(at: number, words: ReadonlySet<string>): boolean {
    const { start } = this.sentenceOf(at);
    for (let i = start; i < at; i += 1) {
      const t = this.tokens[i];
      if (t !== undefined && (words.has(t.word) || words.has(t.lemma))) return true;
    }
    return false;
  }

  /** Number of sentences. */
  get sentenceCount(): number {
    return this.sentences.length;
  }

  /** Whether `concept` matches anywhere in `[start, end)`. */
  has(concept: ConceptName, start = 0, end = this.tokens.length): boolean {
    const whole = start === 0 && end === this.tokens.length;
    const known = whole ? this.anywhere.get(concept) : undefined;
    if (known !== undefined) return known;
    let found = false;
    for (let i = start; i < end && !found; i += 1) found = this.doc.at(i, concept) > 0;
    if (whole) this.anywhere.set(concept, found);
    return found;
  }

  /** Whether the sentence of token `i` contains `concept`. */
  inSentence(i: number, concept: ConceptName): boolean {
    const sentence = this.tokens[i]?.sentence;
    if (sentence === undefined) return false;
    const range = this.sentenceRange(sentence);
    return this.has(concept, range.start, range.end);
  }

  /** Whether the player speaks of themselves in `[start, end)` ("i", "me", "the person typing"). */
  firstPerson(start: number, end: number): boolean {
    // "Bought the rope yesterday", "Gave everything away": a sentence that opens on a past
    // verb has the player as its subject.
    const opening = this.tokens[start];
    if (
      opening !== undefined &&
      this.tokens[start - 1]?.sentence !== opening.sentence &&
      opening.pos === 'VERB' &&
      opening.word !== opening.lemma &&
      /(ed|ght|ave|ook|ote|ung|ent|ew|old|ayed)$/.test(opening.word)
    ) {
      return true;
    }
    for (let i = start; i < end; i += 1) {
      const token = this.tokens[i];
      if (token === undefined) continue;
      if (FIRST_PERSON.has(token.word) && !this.isGameOwned(i)) return true;
      if (this.doc.at(i, 'selfPhrase') > 0) return true;
    }
    return false;
  }

  /** "my character", "my avatar": a first-person word that names a game figure. */
  isGameOwned(i: number): boolean {
    return this.tokens[i]?.word === 'my' && this.doc.at(i, 'gameMechanic') > 1;
  }

  /** Whether `[start, end)` holds only filler words. */
  onlyFillers(start: number, end: number): boolean {
    for (let i = start; i < end; i += 1) {
      const token = this.tokens[i];
      if (token !== undefined && !FILLERS.has(token.word) && !FILLERS.has(token.lemma))
        return false;
    }
    return true;
  }

  /**
   * Whether someone other than the player stands in `[start, end)` as the one meant: a
   * character of the world or another person ("want the dragon dead", "wish him dead").
   */
  otherNoun(start: number, end: number): boolean {
    for (let i = start; i < end; i += 1) {
      const token = this.tokens[i];
      if (token === undefined) continue;
      if (this.doc.at(i, 'worldEntity') > 0 && token.pos !== 'VERB') return true;
      // With "the person typing this" in the message, "they" and "she" are the player.
      if (OTHER_PEOPLE.has(token.word) && !this.has('selfPhrase')) return true;
    }
    return false;
  }
}
