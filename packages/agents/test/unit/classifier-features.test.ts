import { DEFAULT_FEATURE_BUCKETS, MAX_FEATURE_WORDS, extractFeatures } from '@tta/agents';
import { fnv1a } from '../../src/safety/classifier/classifier-features';

const bucketOf = (feature: string, buckets = DEFAULT_FEATURE_BUCKETS): number =>
  fnv1a(feature) % buckets;

function norm(features: ReadonlyMap<number, number>): number {
  return Math.sqrt([...features.values()].reduce((sum, v) => sum + v * v, 0));
}

/** A normalised text of `words` pseudo-random words, the same every run. */
function randomWords(words: number): string {
  let seed = 7;
  const out: string[] = [];
  for (let i = 0; i < words; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push(seed.toString(36).slice(0, 3 + (seed % 6)));
  }
  return out.join(' ');
}

describe('fnv1a', () => {
  test('matches the published FNV-1a 32-bit values', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});

describe('extractFeatures', () => {
  test('holds word unigrams, bigrams with boundaries, and padded character 3- and 4-grams', () => {
    const features = extractFeatures('i kill');
    for (const feature of ['w:i', 'w:kill', 'b:<s> i', 'b:i kill', 'b:kill </s>']) {
      expect(features.has(bucketOf(feature))).toBe(true);
    }
    for (const gram of ['<i>', '<ki', '<kil', 'kil', 'kill', 'ill', 'ill>', 'll>']) {
      expect(features.has(bucketOf(`c:${gram}`))).toBe(true);
    }
    expect(features.has(bucketOf('c:<kill'))).toBe(false);
    // "<i>" is the only 3-gram of "i"; "<kill>" has four 3-grams and three 4-grams.
    expect(features.size).toBe(2 + 3 + 1 + 7);
  });

  test('weighs by sublinear term frequency and scales to unit length', () => {
    const features = extractFeatures('go go go');
    expect(norm(features)).toBeCloseTo(1, 12);
    const unigram = features.get(bucketOf('w:go')) ?? 0;
    const bigram = features.get(bucketOf('b:go go')) ?? 0;
    expect(unigram / bigram).toBeCloseTo((1 + Math.log(3)) / (1 + Math.log(2)), 12);
  });

  test('is deterministic and keeps every bucket below the bucket count', () => {
    const text = 'i do not want to be here anymore';
    expect([...extractFeatures(text, 1024)]).toEqual([...extractFeatures(text, 1024)]);
    expect(Math.max(...extractFeatures(text, 1024).keys())).toBeLessThan(1024);
  });

  test('gives no features for a text without words', () => {
    expect(extractFeatures('').size).toBe(0);
    expect(extractFeatures('   ').size).toBe(0);
  });

  test(`reads only the first ${MAX_FEATURE_WORDS} words`, () => {
    const head = randomWords(MAX_FEATURE_WORDS);
    expect([...extractFeatures(`${head} extra words here`)]).toEqual([...extractFeatures(head)]);
  });

  test('featurises a 1 MB text in well under a second', () => {
    const words = randomWords(200_000).slice(0, 1_000_000);
    const blob = 'a'.repeat(1_000_000);
    const started = performance.now();
    extractFeatures(words);
    extractFeatures(blob);
    // Linear work on 1 MB takes tens of ms; the bound only catches a quadratic pass.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
