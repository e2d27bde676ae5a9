/** Hashing space of a model that does not choose another: 2^18 buckets. */
export const DEFAULT_FEATURE_BUCKETS = 2 ** 18;

/**
 * Only the first 20,000 words of a text are featurised, so that the cost of a text is bounded
 * (a 1 MB paste costs as much as its first 20,000 words). Crisis language at the end of a longer
 * text is not seen by the classifier; the rule layers still read the whole text.
 */
export const MAX_FEATURE_WORDS = 20_000;

/** A longer word is featurised as its first 40 characters (a pasted blob is one "word"). */
export const MAX_FEATURE_WORD_CHARS = 60;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;
const WORD_START = 0x3c; // '<'
const WORD_END = 0x3e; // '>'
const STRUCTURE_MARK = 0x23; // '#'
const MIN_CHAR_GRAM = 3;
const MAX_CHAR_GRAM = 4;

// Looked up once: a lookup of `Math` per call costs 25 times more in a vm context (jest).
const { imul, log, min, sqrt } = Math;

// Hashes stay signed 32-bit integers inside (cheap for V8); `>>> 0` makes them unsigned.
function step(hash: number, code: number): number {
  return imul(hash ^ code, FNV_PRIME);
}

function stepRange(hash: number, text: string, from: number, to: number): number {
  let h = hash;
  for (let i = from; i < to; i += 1) h = step(h, text.charCodeAt(i));
  return h;
}

/**
 * FNV-1a, 32 bits, of `text`: one step per UTF-16 code unit (the same as byte-wise FNV-1a for
 * ASCII text). Unsigned.
 */
export function fnv1a(text: string): number {
  return stepRange(FNV_OFFSET | 0, text, 0, text.length) >>> 0;
}

// Every feature string starts with its kind, so that the word "kil" and the 3-gram "kil" differ.
const UNIGRAM = fnv1a('w:') | 0;
const BIGRAM = fnv1a('b:') | 0;
const BIGRAM_AT_START = fnv1a('b:<s> ') | 0;
const CHAR_GRAM = fnv1a('c:') | 0;
const BIGRAM_END = ' </s>';

/** A text's features as parallel arrays: `values[i]` is the value of bucket `buckets[i]`. */
export interface FeatureVector {
  /** Each bucket once. */
  readonly buckets: readonly number[];
  readonly values: Float64Array;
}

/**
 * Hash counts of one text, before weighting. Counts go to a scratch array reused across calls
 * (scoring is synchronous), and only the buckets touched are read back: a `Map` update per
 * n-gram would cost several times more.
 */
class FeatureCounts {
  private static scratch = new Uint32Array(0);
  /** Character codes of the current word padded as `<word>`. */
  private static readonly padded = new Uint16Array(MAX_FEATURE_WORD_CHARS + 2);
  private readonly touched: number[] = [];
  private readonly counts: Uint32Array;
  /** `buckets - 1` when `buckets` is a power of two: a mask is cheaper than `%`. */
  private readonly mask: number;

  constructor(private readonly buckets: number) {
    if (FeatureCounts.scratch.length < buckets) FeatureCounts.scratch = new Uint32Array(buckets);
    this.counts = FeatureCounts.scratch;
    this.mask = (buckets & (buckets - 1)) === 0 ? buckets - 1 : -1;
  }

  add(hash: number): void {
    const bucket = this.mask === -1 ? (hash >>> 0) % this.buckets : hash & this.mask;
    if (this.counts[bucket] === 0) this.touched.push(bucket);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
  }

  /** The counts as a vector, buckets in the order first seen; clears the scratch array. */
  drain(): FeatureVector {
    const values = new Float64Array(this.touched.length);
    this.touched.forEach((bucket, i) => {
      values[i] = this.counts[bucket] ?? 0;
      this.counts[bucket] = 0;
    });
    return { buckets: this.touched, values };
  }

  /** Character 3- and 4-grams of `text[from, to)` padded as `<word>`. */
  addCharGrams(text: string, from: number, to: number): void {
    const codes = FeatureCounts.padded;
    const length = to - from + 2;
    codes[0] = WORD_START;
    for (let i = from; i < to; i += 1) codes[i - from + 1] = text.charCodeAt(i);
    codes[length - 1] = WORD_END;
    for (let start = 0; start + MIN_CHAR_GRAM <= length; start += 1) {
      let hash = CHAR_GRAM;
      for (let k = start; k < start + MIN_CHAR_GRAM - 1; k += 1) hash = step(hash, codes[k] ?? 0);
      const last = min(length, start + MAX_CHAR_GRAM);
      for (let end = start + MIN_CHAR_GRAM; end <= last; end += 1) {
        hash = step(hash, codes[end - 1] ?? 0);
        this.add(hash);
      }
    }
  }
}

/** Calls `visit(from, to)` for each word of `text`, at most `MAX_FEATURE_WORDS` of them. */
function forEachWord(text: string, visit: (from: number, to: number) => void): void {
  let seen = 0;
  let from = 0;
  while (from < text.length && seen < MAX_FEATURE_WORDS) {
    let to = text.indexOf(' ', from);
    if (to === -1) to = text.length;
    if (to > from) {
      visit(from, min(to, from + MAX_FEATURE_WORD_CHARS));
      seen += 1;
    }
    from = to + 1;
  }
}

/** Sublinear term frequency (1 + ln tf), then the whole vector scaled to unit length. */
function weigh(vector: FeatureVector): FeatureVector {
  const { values } = vector;
  let sumOfSquares = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = 1 + log(values[i] ?? 1);
    values[i] = value;
    sumOfSquares += value * value;
  }
  const scale = sumOfSquares > 0 ? 1 / sqrt(sumOfSquares) : 0;
  for (let i = 0; i < values.length; i += 1) values[i] = (values[i] ?? 0) * scale;
  return vector;
}

/**
 * The features of {@link extractFeatures} as parallel arrays, buckets in the order first
 * seen: what scoring reads, without the cost of building a `Map`.
 */
export function extractFeatureVector(
  normalized: string,
  buckets: number = DEFAULT_FEATURE_BUCKETS,
): FeatureVector {
  const features = new FeatureCounts(buckets);
  let previous = BIGRAM_AT_START;
  let any = false;
  forEachWord(normalized, (from, to) => {
    // "#…" words are structure the screen found ("#p:meansStrong+timeMarker"): one feature each.
    if (normalized.charCodeAt(from) === STRUCTURE_MARK) {
      features.add(stepRange(UNIGRAM, normalized, from, to));
      return;
    }
    features.add(stepRange(UNIGRAM, normalized, from, to));
    features.add(stepRange(previous, normalized, from, to));
    features.addCharGrams(normalized, from, to);
    previous = step(stepRange(BIGRAM, normalized, from, to), SPACE);
    any = true;
  });
  if (any) features.add(stepRange(previous, BIGRAM_END, 1, BIGRAM_END.length));
  return weigh(features.drain());
}

/**
 * The hashed features of an already normalised text (lowercase words separated by single
 * spaces): word unigrams, word bigrams with a boundary token at the start and the end
 * (`<s> i`, `myself </s>`), and the character 3- and 4-grams of each word padded as `<word>`
 * (`<ki`, `kill`, `ill>`). Each feature string, prefixed by its kind, is hashed with FNV-1a
 * into `buckets` buckets; values are sublinear term frequencies, L2-normalised.
 *
 * Linear in the length of the text, and bounded: see {@link MAX_FEATURE_WORDS} and
 * {@link MAX_FEATURE_WORD_CHARS}. Returns bucket → value; an empty map for a text without words.
 */
export function extractFeatures(
  normalized: string,
  buckets: number = DEFAULT_FEATURE_BUCKETS,
): Map<number, number> {
  const vector = extractFeatureVector(normalized, buckets);
  return new Map(vector.buckets.map((bucket, i) => [bucket, vector.values[i] ?? 0]));
}
