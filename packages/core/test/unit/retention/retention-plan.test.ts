import {
  expiredBuckets,
  RETENTION_CLASSES,
  retentionCutoffs,
  streamTrimThreshold,
  type RetentionAges,
} from '../../../src/retention';

const HOUR = 3_600_000;

describe('retentionCutoffs', () => {
  it('puts the cutoff of each class its age before now', () => {
    const ages = Object.fromEntries(
      RETENTION_CLASSES.map((name, i) => [name, (i + 1) * 1000]),
    ) as RetentionAges;
    const cutoffs = retentionCutoffs(ages, 1_000_000);
    for (const name of RETENTION_CLASSES) expect(cutoffs[name]).toBe(1_000_000 - ages[name]);
  });
});

describe('streamTrimThreshold', () => {
  const ids = ['100-0', '100-1', '150-0', '180-3'];

  it('trims at the cutoff when no more than the limit are older', () => {
    expect(streamTrimThreshold(ids, 200, 4)).toBe('200');
    expect(streamTrimThreshold(ids, 200, 10)).toBe('200');
  });

  it('keeps the entry past the limit, so that exactly the limit go', () => {
    expect(streamTrimThreshold(ids, 200, 2)).toBe('150-0');
    expect(streamTrimThreshold(ids, 200, 3)).toBe('180-3');
  });
});

describe('expiredBuckets', () => {
  it('gives the hours that ended by the cutoff, the newest `lookback` of them, oldest first', () => {
    const cutoff = 100 * HOUR + 1;
    expect(expiredBuckets(cutoff, HOUR, 3)).toEqual([97, 98, 99]);
  });

  it('counts a bucket that ends exactly at the cutoff as expired', () => {
    expect(expiredBuckets(100 * HOUR, HOUR, 2)).toEqual([98, 99]);
  });

  it('keeps the bucket the cutoff falls in', () => {
    expect(expiredBuckets(100 * HOUR + HOUR - 1, HOUR, 1)).toEqual([99]);
  });

  it('starts no earlier than the epoch', () => {
    expect(expiredBuckets(2 * HOUR, HOUR, 5)).toEqual([0, 1]);
    expect(expiredBuckets(HOUR - 1, HOUR, 5)).toEqual([]);
  });
});
