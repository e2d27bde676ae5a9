/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1), the same for a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Assigns each row a fold `0 .. folds - 1`, stratified: the rows of each group (as `groupOf`
 * says) are shuffled with the seed and dealt out in turn, so every fold gets its share of every
 * group. Deterministic for the same rows, groups and seed.
 */
export function stratifiedFolds(
  groups: readonly string[],
  folds: number,
  seed: number,
): Int32Array {
  const random = seededRandom(seed);
  const assigned = new Int32Array(groups.length);
  const byGroup = new Map<string, number[]>();
  groups.forEach((group, r) => {
    const rows = byGroup.get(group);
    if (rows === undefined) byGroup.set(group, [r]);
    else rows.push(r);
  });
  for (const group of [...byGroup.keys()].sort()) {
    const rows = byGroup.get(group) ?? [];
    for (let i = rows.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [rows[i], rows[j]] = [rows[j] ?? 0, rows[i] ?? 0];
    }
    rows.forEach((r, i) => (assigned[r] = i % folds));
  }
  return assigned;
}

/** Row indices whose fold is (or, with `inFold` false, is not) `fold`. */
export function rowsOfFold(folds: Int32Array, fold: number, inFold: boolean): Int32Array {
  const rows: number[] = [];
  folds.forEach((f, r) => {
    if ((f === fold) === inFold) rows.push(r);
  });
  return Int32Array.from(rows);
}

/**
 * The highest threshold at which at least `recall` of the positives score at or above it: the
 * k-th highest positive score, k = ceil(recall × positives). NaN without positives.
 */
export function thresholdForRecall(positiveScores: readonly number[], recall: number): number {
  if (positiveScores.length === 0) return Number.NaN;
  const sorted = [...positiveScores].sort((a, b) => b - a);
  const k = Math.max(1, Math.ceil(recall * sorted.length - 1e-9));
  return sorted[k - 1] ?? Number.NaN;
}

/**
 * The lowest threshold at which at most `share` of the negatives score at or above it: just
 * above the (k+1)-th highest negative score, k = floor(share × negatives). 0 without negatives.
 */
export function thresholdForFalseAlarm(negativeScores: readonly number[], share: number): number {
  if (negativeScores.length === 0) return 0;
  const sorted = [...negativeScores].sort((a, b) => b - a);
  const k = Math.floor(share * sorted.length + 1e-9);
  const bound = sorted[k];
  return bound === undefined ? 0 : roundSignificant(bound + 1e-6, 6);
}

/** Share of `scores` at or above `threshold`; NaN for no scores. */
export function shareAtOrAbove(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return Number.NaN;
  return scores.filter((score) => score >= threshold).length / scores.length;
}

/** `value` rounded down to `digits` significant digits, so that a threshold never rises. */
export function floorSignificant(value: number, digits: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  const floored = Math.floor(value * scale);
  // value * scale may round up to the next integer: step back if the result went above value.
  return floored / scale > value ? (floored - 1) / scale : floored / scale;
}

/** `value` rounded to `digits` significant digits. */
export function roundSignificant(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}
