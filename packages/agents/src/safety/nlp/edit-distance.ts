/** Rows of the distance table, reused across calls: words of up to 63 letters. */
const MAX_LENGTH = 63;
let before = new Int32Array(MAX_LENGTH + 1);
let previous = new Int32Array(MAX_LENGTH + 1);
let current = new Int32Array(MAX_LENGTH + 1);

/**
 * Whether `a` and `b` are at most `max` edits apart (insertions, deletions, substitutions and
 * swaps of two neighbouring letters: optimal string alignment). Bounded: it gives up on a row
 * once every cell exceeds `max`, so the cost is O(length × max) for near words; no allocation.
 */
export function withinEditDistance(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  if (a.length > MAX_LENGTH || b.length > MAX_LENGTH) return a === b;
  for (let j = 0; j <= b.length; j += 1) previous[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j += 1) {
      const bj = b.charCodeAt(j - 1);
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (ai === bj ? 0 : 1),
      );
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        best = Math.min(best, (before[j - 2] as number) + 1);
      }
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return false;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return (previous[b.length] as number) <= max;
}
