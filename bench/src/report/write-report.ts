import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { barChart } from '../charts/bar-chart';
import type { Chart } from '../scenario';
import { renderBenchmarksDoc, type RunResult } from './benchmarks-doc';

/** Where a run's outputs go. */
export interface ReportPaths {
  /** `bench/results/latest.json`. */
  results: string;
  /** `docs/BENCHMARKS.md`. */
  doc: string;
  /** `docs/bench/` (the charts). */
  charts: string;
  /** `bench/notes.md` (hand-written, included in the doc). */
  notes: string;
}

/** The outputs' paths under the repository root `root`. */
export function reportPaths(root: string): ReportPaths {
  return {
    results: path.join(root, 'bench/results/latest.json'),
    doc: path.join(root, 'docs/BENCHMARKS.md'),
    charts: path.join(root, 'docs/bench'),
    notes: path.join(root, 'bench/notes.md'),
  };
}

/** The ratios against their baselines and targets, drawn from the run's numbers. */
export function summaryChart(run: RunResult): Chart | undefined {
  const bars: Array<[string, number | undefined, number]> = [
    ['queue throughput', numberAt(run, 'throughput', 'ratio'), 0.9],
    ['HTTP enqueue', numberAt(run, 'http-enqueue', 'ratio'), 0.8],
    ['encryption on, queue', numberAt(run, 'encryption', 'queue', 'ratio'), 0.9],
    ['encryption on, HTTP', numberAt(run, 'encryption', 'http', 'ratio'), 0.9],
    ['1,000 in flight', numberAt(run, 'concurrency', 'runtime', 'ratio'), 0.9],
  ];
  const present = bars.filter((b): b is [string, number, number] => b[1] !== undefined);
  if (present.length === 0) return undefined;
  return barChart({
    name: 'summary',
    title: 'This system against its baselines (ratio; 1 = as fast as the baseline)',
    unit: 'ratio',
    categories: present.map((b) => b[0]),
    series: [
      { name: 'measured', values: present.map((b) => b[1]) },
      { name: 'target', values: present.map((b) => b[2]) },
    ],
  });
}

/** Writes `latest.json`, every chart and `docs/BENCHMARKS.md` (formatted with the repository's Prettier config). */
export async function writeReport(
  run: RunResult,
  charts: Chart[],
  paths: ReportPaths,
): Promise<void> {
  mkdirSync(path.dirname(paths.results), { recursive: true });
  writeFileSync(paths.results, `${JSON.stringify(run, null, 2)}\n`);
  mkdirSync(paths.charts, { recursive: true });
  for (const chart of charts)
    writeFileSync(path.join(paths.charts, `${chart.name}.svg`), chart.svg);
  await writeDoc(run, paths);
}

/**
 * Writes `docs/BENCHMARKS.md` and the summary chart from a run's results and the notes file:
 * also after the notes changed, without measuring again.
 */
export async function writeDoc(run: RunResult, paths: ReportPaths): Promise<void> {
  mkdirSync(paths.charts, { recursive: true });
  const summary = summaryChart(run);
  if (summary) writeFileSync(path.join(paths.charts, `${summary.name}.svg`), summary.svg);
  const notes = existsSync(paths.notes) ? readFileSync(paths.notes, 'utf8') : '_No notes._';
  const chartDir = path.relative(path.dirname(paths.doc), paths.charts);
  const markdown = renderBenchmarksDoc({
    run,
    notes,
    ...(summary && { summaryChart: `${chartDir}/${summary.name}.svg` }),
  });
  const config = (await resolveConfig(paths.doc)) ?? {};
  writeFileSync(paths.doc, await format(markdown, { ...config, filepath: paths.doc }));
}

function numberAt(run: RunResult, scenario: string, ...keys: string[]): number | undefined {
  let value: unknown = run.scenarios[scenario]?.data;
  for (const key of keys) value = (value as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
