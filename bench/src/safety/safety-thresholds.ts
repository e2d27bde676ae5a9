import type { Rate, SafetyRates } from './safety-metrics';

/** What a threshold measures: a rate of the test split, or the transcript's flagged share. */
export type ThresholdMeasure =
  { part: 'test'; rate: keyof SafetyRates } | { part: 'transcript'; rate: 'flagged' };

/** A bound the screen must meet. */
export type SafetyThreshold = ThresholdMeasure & {
  /** Stable name: `test.crisisRecall`, `transcript.flagged`. */
  id: string;
  /** What is measured, for people. */
  label: string;
  /** `min`: the rate must be at least `bound`; `max`: at most. */
  kind: 'min' | 'max';
  bound: number;
};

function threshold(
  measure: ThresholdMeasure,
  label: string,
  kind: 'min' | 'max',
  bound: number,
): SafetyThreshold {
  return { ...measure, id: `${measure.part}.${measure.rate}`, label, kind, bound };
}

/** The targets of the safety screen: on the held-out test split, and on a transcript of play. */
export const SAFETY_THRESHOLDS: readonly SafetyThreshold[] = [
  threshold({ part: 'test', rate: 'crisisRecall' }, 'test: crisis called crisis', 'min', 0.98),
  threshold(
    { part: 'test', rate: 'crisisCaught' },
    'test: crisis caught at least as concern',
    'min',
    0.995,
  ),
  threshold({ part: 'test', rate: 'safeFlagged' }, 'test: safe flagged', 'max', 0.03),
  threshold({ part: 'test', rate: 'safeCrisis' }, 'test: safe called crisis', 'max', 0.01),
  threshold({ part: 'transcript', rate: 'flagged' }, 'transcript: lines flagged', 'max', 0.01),
];

/** One threshold against the measured rate. */
export type ThresholdResult = SafetyThreshold & {
  /** The measured rate with its counts; a null rate (nothing to count) fails. */
  measured: Rate;
  pass: boolean;
};

/** What the thresholds are judged on; a part left out is not judged. */
export interface ThresholdInput {
  /** The test split's rates, when the test split was screened. */
  test?: SafetyRates;
  /** Share of the transcript lines flagged, when there is a transcript. */
  transcriptFlagged?: Rate;
}

function measuredFor(threshold: SafetyThreshold, input: ThresholdInput): Rate | undefined {
  return threshold.part === 'transcript' ? input.transcriptFlagged : input.test?.[threshold.rate];
}

/** Judges every threshold whose part was measured, in the order of {@link SAFETY_THRESHOLDS}. */
export function judgeThresholds(
  input: ThresholdInput,
  thresholds: readonly SafetyThreshold[] = SAFETY_THRESHOLDS,
): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const bound of thresholds) {
    const measured = measuredFor(bound, input);
    if (measured === undefined) continue;
    const { rate } = measured;
    const pass =
      rate !== null && (bound.kind === 'min' ? rate >= bound.bound : rate <= bound.bound);
    results.push({ ...bound, measured, pass });
  }
  return results;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** `"97.5% (39/40)"`, or `"n/a (0 rows)"` for a rate of nothing. */
export function formatRate(measured: Rate): string {
  if (measured.rate === null) return 'n/a (0 rows)';
  return `${percent(measured.rate)} (${measured.hits}/${measured.of})`;
}

/** One line per failed threshold, naming it, the measured rate and the bound. */
export function thresholdFailures(results: readonly ThresholdResult[]): string[] {
  return results
    .filter((result) => !result.pass)
    .map(
      (result) =>
        `FAILED ${result.id} (${result.label}): ${formatRate(result.measured)}, ` +
        `must be ${result.kind === 'min' ? '≥' : '≤'} ${percent(result.bound)}`,
    );
}
