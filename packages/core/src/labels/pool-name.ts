import { labelSetProblem, sortedEntries, type LabelSet } from './label-set';

const PLAIN = /^[a-z1-9][a-z0-9]*$/;
const ENCODED = /^0(?:[0-9a-f]{2})+$/;

/**
 * The pool part of a queue name for a set of labels: `key-value` pairs sorted by key, joined
 * by dots, e.g. `{ tier: 'fast', locale: 'en' }` → `locale-en.tier-fast`.
 *
 * Labels may hold upper case, `_`, `.` and `-`, which queue names (`/^[a-z0-9.-]+$/`, the
 * pattern task ids carry) cannot, or cannot unambiguously. So a key or value made of lower-case
 * letters and digits, not starting with `0`, is written as is; any other is written as `0`
 * followed by the hex of its characters: `{ locale: 'en-US' }` → `locale-0656e2d5553`. The name
 * of a label set is therefore canonical (one name per set) and {@link parsePoolName} inverts it.
 * Throws a `TypeError` for an invalid label set (see `labelSetSchema`) or an empty one.
 */
export function poolName(labels: LabelSet): string {
  const problem = labelSetProblem(labels);
  if (problem !== undefined) throw new TypeError(`invalid labels: ${problem}`);
  const entries = sortedEntries(labels);
  if (entries.length === 0) throw new TypeError('a pool needs at least one label');
  return entries.map(([key, value]) => `${encodeToken(key)}-${encodeToken(value)}`).join('.');
}

/** The labels of a pool name, or `undefined` when `name` is not the canonical name of a label set. */
export function parsePoolName(name: string): LabelSet | undefined {
  const labels: LabelSet = {};
  for (const pair of name.split('.')) {
    const parts = pair.split('-');
    if (parts.length !== 2) return undefined;
    const key = decodeToken(parts[0] as string);
    const value = decodeToken(parts[1] as string);
    if (key === undefined || value === undefined || key in labels) return undefined;
    labels[key] = value;
  }
  if (labelSetProblem(labels) !== undefined) return undefined;
  return poolName(labels) === name ? labels : undefined;
}

/**
 * Every non-empty subset of `labels`, smallest first, then by pool name: the label sets of the
 * pool queues an agent with these labels consumes (7 for 3 labels).
 */
export function labelSubsets(labels: LabelSet): LabelSet[] {
  const entries = sortedEntries(labels);
  const subsets: LabelSet[] = [];
  for (let mask = 1; mask < 1 << entries.length; mask += 1) {
    subsets.push(Object.fromEntries(entries.filter((_, i) => (mask & (1 << i)) !== 0)));
  }
  const size = (set: LabelSet) => Object.keys(set).length;
  return subsets
    .map((set) => ({ set, name: poolName(set) }))
    .sort((a, b) => size(a.set) - size(b.set) || (a.name < b.name ? -1 : 1))
    .map(({ set }) => set);
}

function encodeToken(token: string): string {
  return PLAIN.test(token) ? token : `0${Buffer.from(token, 'latin1').toString('hex')}`;
}

function decodeToken(token: string): string | undefined {
  if (PLAIN.test(token)) return token;
  if (!ENCODED.test(token)) return undefined;
  return Buffer.from(token.slice(1), 'hex').toString('latin1');
}
