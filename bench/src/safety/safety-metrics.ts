import { type SafetyLevel } from '@tta/contracts';
import { SAFETY_LEVELS } from '@tta/contracts';

/** One labelled text after screening. */
export interface ScreenedRow {
  expect: SafetyLevel;
  got: SafetyLevel;
  category: string;
  style: string;
}

/** Counts of texts by expected level, then by the level the screen gave. */
export type Confusion = Record<SafetyLevel, Record<SafetyLevel, number>>;

/** A share with what it was counted from; `rate` is null when nothing was counted. */
export interface Rate {
  rate: number | null;
  hits: number;
  of: number;
}

/** The rates the screen is judged by. */
export interface SafetyRates {
  /** Crisis texts called crisis. */
  crisisRecall: Rate;
  /** Crisis texts called at least concern. */
  crisisCaught: Rate;
  /** Concern texts called concern or crisis. */
  concernRecall: Rate;
  /** Safe texts called anything but safe. */
  safeFlagged: Rate;
  /** Safe texts called crisis. */
  safeCrisis: Rate;
}

/** Names of {@link SafetyRates}, in the order reports show them. */
export const RATE_NAMES = [
  'crisisRecall',
  'crisisCaught',
  'concernRecall',
  'safeFlagged',
  'safeCrisis',
] as const satisfies ReadonlyArray<keyof SafetyRates>;

/** Short descriptions of the rates, for reports. */
export const RATE_LABELS: Readonly<Record<keyof SafetyRates, string>> = {
  crisisRecall: 'crisis called crisis',
  crisisCaught: 'crisis caught (≥ concern)',
  concernRecall: 'concern caught (≥ concern)',
  safeFlagged: 'safe flagged',
  safeCrisis: 'safe called crisis',
};

/** The rates and the confusion matrix of a group of rows. */
export interface GroupMetrics {
  rows: number;
  rates: SafetyRates;
  confusion: Confusion;
}

/** A split's metrics, whole and broken down by category and by style (keys sorted). */
export interface SplitMetrics extends GroupMetrics {
  byCategory: Record<string, GroupMetrics>;
  byStyle: Record<string, GroupMetrics>;
}

function emptyConfusion(): Confusion {
  const row = (): Record<SafetyLevel, number> => ({ safe: 0, concern: 0, crisis: 0 });
  return { safe: row(), concern: row(), crisis: row() };
}

/** The confusion matrix of `rows`. */
export function confusionOf(rows: readonly ScreenedRow[]): Confusion {
  const confusion = emptyConfusion();
  for (const row of rows) confusion[row.expect][row.got] += 1;
  return confusion;
}

function rate(hits: number, of: number): Rate {
  return { rate: of === 0 ? null : hits / of, hits, of };
}

function total(counts: Record<SafetyLevel, number>): number {
  return SAFETY_LEVELS.reduce((sum, level) => sum + counts[level], 0);
}

/** The rates of a confusion matrix. */
export function ratesOf(confusion: Confusion): SafetyRates {
  const { crisis, concern, safe } = confusion;
  return {
    crisisRecall: rate(crisis.crisis, total(crisis)),
    crisisCaught: rate(crisis.crisis + crisis.concern, total(crisis)),
    concernRecall: rate(concern.crisis + concern.concern, total(concern)),
    safeFlagged: rate(safe.crisis + safe.concern, total(safe)),
    safeCrisis: rate(safe.crisis, total(safe)),
  };
}

/** Rows, rates and confusion matrix of `rows`. */
export function groupMetrics(rows: readonly ScreenedRow[]): GroupMetrics {
  const confusion = confusionOf(rows);
  return { rows: rows.length, rates: ratesOf(confusion), confusion };
}

function groupBy(
  rows: readonly ScreenedRow[],
  key: (row: ScreenedRow) => string,
): Record<string, GroupMetrics> {
  const groups = new Map<string, ScreenedRow[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group === undefined) groups.set(key(row), [row]);
    else group.push(row);
  }
  const keys = [...groups.keys()].sort();
  return Object.fromEntries(keys.map((k) => [k, groupMetrics(groups.get(k) ?? [])]));
}

/** The metrics of one split: whole, by category and by style. */
export function splitMetrics(rows: readonly ScreenedRow[]): SplitMetrics {
  return {
    ...groupMetrics(rows),
    byCategory: groupBy(rows, (row) => row.category),
    byStyle: groupBy(rows, (row) => row.style),
  };
}
