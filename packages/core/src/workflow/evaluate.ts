import { isDeepStrictEqual } from 'node:util';
import type { RunState, WorkflowCondition } from './workflow-types';

/**
 * The rule of a `$pick`:
 *
 * ```text
 * rule  := 'first' | order ':' path
 * order := 'longest' | 'shortest' | 'max' | 'min'
 * path  := a dotted path inside each candidate, e.g. 'passage' or 'output.passage'
 * ```
 *
 * - `first`: the first candidate that is neither `undefined` nor `null`.
 * - `longest` / `shortest`: the candidate whose value at `path` is the longest / shortest
 *   string or array (by `length`); candidates without such a value there are passed over.
 * - `max` / `min`: the candidate whose value at `path` is the largest / smallest finite number.
 *
 * Ties go to the earlier candidate; with no candidate that qualifies the pick is `undefined`.
 */
export type PickRule = 'first' | `${'longest' | 'shortest' | 'max' | 'min'}:${string}`;

const PICK_RULE = /^(?:first|(longest|shortest|max|min):([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*))$/;

/** Whether `rule` follows the grammar of {@link PickRule}. */
export function isPickRule(rule: string): rule is PickRule {
  return PICK_RULE.test(rule);
}

/**
 * The value at a dotted `path` inside `value` (`output.intent.verb`, `items.0`), or
 * `undefined` when some part is missing. Only own properties are followed.
 */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Whether `condition` holds on `state`. `equals`, `notEquals` and `in` compare by deep
 * equality; `exists: true` holds when the value is neither `undefined` nor `null`.
 */
export function evaluateCondition(condition: WorkflowCondition, state: RunState): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, state));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, state));
  if ('not' in condition) return !evaluateCondition(condition.not, state);
  const value = getPath(state, condition.path);
  if ('equals' in condition) return isDeepStrictEqual(value, condition.equals);
  if ('notEquals' in condition) return !isDeepStrictEqual(value, condition.notEquals);
  if ('in' in condition) return condition.in.some((item) => isDeepStrictEqual(value, item));
  return (value !== undefined && value !== null) === condition.exists;
}

/** A `$pick` template: `{ $pick: { from: ['$steps.a.output', ...], by: 'longest:passage' } }`. */
export interface PickTemplate {
  /** `from`: the candidates (references, usually); `by`: a {@link PickRule}. */
  $pick: { from: unknown[]; by: string };
}

/** Whether `value` is a `{ $pick: ... }` template (its only key is `$pick`). */
export function isPickTemplate(value: unknown): value is PickTemplate {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return false;
  const pick = value.$pick;
  return isPlainObject(pick) && Array.isArray(pick.from) && typeof pick.by === 'string';
}

/**
 * Resolves a template against the run's state, deeply: a string starting with `$` is a
 * reference (`$input.text`, `$sessionId`, `$steps.parse.output.intent`), a string starting
 * with `$$` is the literal string with one `$` less, `{ $pick: { from, by } }` picks one of the
 * resolved `from` values by a {@link PickRule}; arrays and objects are resolved element by
 * element (keys whose value resolves to `undefined` are left out); anything else is literal.
 */
export function resolveValue(template: unknown, state: RunState): unknown {
  if (typeof template === 'string') {
    if (template.startsWith('$$')) return template.slice(1);
    if (template.startsWith('$')) return getPath(state, template.slice(1));
    return template;
  }
  if (Array.isArray(template)) return template.map((item) => resolveValue(item, state));
  if (isPickTemplate(template)) {
    const candidates = template.$pick.from.map((ref) => resolveValue(ref, state));
    return pickBy(template.$pick.by, candidates);
  }
  if (isPlainObject(template)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      const resolved = resolveValue(value, state);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return template;
}

/** Picks one of `candidates` by `rule` (see {@link PickRule}); throws on a malformed rule. */
export function pickBy(rule: string, candidates: readonly unknown[]): unknown {
  const match = PICK_RULE.exec(rule);
  if (!match) throw new TypeError(`invalid pick rule '${rule}'`);
  const [, order, path] = match;
  if (order === undefined || path === undefined) {
    return candidates.find((c) => c !== undefined && c !== null);
  }
  const measure = order === 'longest' || order === 'shortest' ? lengthOf : numberOf;
  const better = order === 'longest' || order === 'max' ? 1 : -1;
  let best: { candidate: unknown; score: number } | undefined;
  for (const candidate of candidates) {
    const score = measure(getPath(candidate, path));
    if (score === undefined) continue;
    if (!best || Math.sign(score - best.score) === better) best = { candidate, score };
  }
  return best?.candidate;
}

function lengthOf(value: unknown): number | undefined {
  return typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
