/** A 32-bit FNV-1a hash of `text`: stable across runs and processes. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** JSON of `value` with object keys sorted, so that equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Picks list entries by a seed and a slot name: the same seed and slot, the same entry. */
export type Picker = <T>(slot: string, list: readonly T[]) => T;

/** A {@link Picker} for `seed`. Throws on an empty list. */
export function createPicker(seed: string): Picker {
  return <T>(slot: string, list: readonly T[]): T => {
    const entry = list[stableHash(`${seed}\u0000${slot}`) % list.length];
    if (entry === undefined) throw new RangeError(`nothing to pick for '${slot}'`);
    return entry;
  };
}
