import { SAFETY_LEVELS } from '@tta/contracts';
import {
  RATE_LABELS,
  RATE_NAMES,
  type GroupMetrics,
  type Rate,
  type SplitMetrics,
} from './safety-metrics';
import { formatRate, SAFETY_THRESHOLDS, type ThresholdResult } from './safety-thresholds';

/** The labelled splits of the corpus. */
export const SPLITS = ['train', 'test'] as const;
/** One of {@link SPLITS}. */
export type Split = (typeof SPLITS)[number];

/** Screening time per text, in milliseconds. */
export interface LatencyMs {
  /** Texts timed. */
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Everything one evaluation run measured: what `bench/results/safety.json` holds. */
export interface SafetyEvalResult {
  /** When the run finished (ISO 8601). */
  date: string;
  /** The screen's version, when its results carry one. */
  screenVersion?: string;
  /** Which splits were screened (`--split`). */
  split: Split | 'all';
  /** Metrics of each split screened. */
  splits: Partial<Record<Split, SplitMetrics>>;
  /** Lines of the transcripts of play, all expected safe, and the share flagged. */
  transcript: { lines: number; flagged: Rate };
  latencyMs: LatencyMs;
  /** Each threshold judged; the test thresholds only when the test split was screened. */
  thresholds: ThresholdResult[];
  /** Whether every threshold judged passed. */
  pass: boolean;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
}

function cell(measured: Rate | undefined): string {
  return measured === undefined || measured.rate === null ? '–' : formatRate(measured);
}

function boundFor(id: string): string {
  const bound = SAFETY_THRESHOLDS.find((t) => t.id === id);
  if (bound === undefined) return '';
  return `${bound.kind === 'min' ? '≥' : '≤'} ${(bound.bound * 100).toFixed(1)}%`;
}

function summary(result: SafetyEvalResult): string[] {
  const splits = SPLITS.filter((split) => result.splits[split] !== undefined);
  const rows = RATE_NAMES.map((name) => [
    RATE_LABELS[name],
    boundFor(`test.${name}`),
    ...splits.map((split) => cell(result.splits[split]?.rates[name])),
  ]);
  rows.unshift(['rows', '', ...splits.map((split) => String(result.splits[split]?.rows ?? 0))]);
  return [
    ...table(['', 'threshold (test)', ...splits], rows),
    `Transcripts of play: ${result.transcript.lines} lines, flagged ` +
      `${cell(result.transcript.flagged)} (threshold ${boundFor('transcript.flagged')}).`,
    '',
  ];
}

function verdicts(results: readonly ThresholdResult[]): string[] {
  if (results.length === 0) return ['No threshold judged.', ''];
  return table(
    ['threshold', 'bound', 'measured', 'result'],
    results.map((r) => [
      r.label,
      boundFor(r.id),
      formatRate(r.measured),
      r.pass ? 'pass' : '**FAIL**',
    ]),
  );
}

function breakdown(groups: Record<string, GroupMetrics>, what: string): string[] {
  return table(
    [what, 'rows', ...RATE_NAMES.map((name) => RATE_LABELS[name])],
    Object.entries(groups).map(([key, group]) => [
      key,
      String(group.rows),
      ...RATE_NAMES.map((name) => cell(group.rates[name])),
    ]),
  );
}

function confusion(metrics: GroupMetrics): string[] {
  return table(
    ['expected \\ screened', ...SAFETY_LEVELS],
    SAFETY_LEVELS.map((expect) => [
      expect,
      ...SAFETY_LEVELS.map((got) => String(metrics.confusion[expect][got])),
    ]),
  );
}

function splitSections(split: Split, metrics: SplitMetrics): string[] {
  return [
    `#### ${split}: by category`,
    '',
    ...breakdown(metrics.byCategory, 'category'),
    `#### ${split}: by style`,
    '',
    ...breakdown(metrics.byStyle, 'style'),
    `#### ${split}: confusion matrix`,
    '',
    ...confusion(metrics),
  ];
}

/**
 * The run as markdown: the summary per split against the thresholds, each threshold's verdict,
 * then per split the rates by category and by style and the confusion matrix. Counts and rates
 * only: no text of any row.
 */
export function renderSafetyReport(result: SafetyEvalResult): string {
  const latency = result.latencyMs;
  const lines = [
    `Screen ${result.screenVersion ?? '(no version)'}, ${result.date.slice(0, 10)}, ` +
      `split ${result.split}. Screening time per text over ${latency.count} texts: ` +
      `p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms.`,
    '',
    ...summary(result),
    ...verdicts(result.thresholds),
    ...SPLITS.flatMap((split) => {
      const metrics = result.splits[split];
      return metrics === undefined ? [] : splitSections(split, metrics);
    }),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
