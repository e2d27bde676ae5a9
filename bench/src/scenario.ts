import type { Logger, RedisClient } from '@tta/core';
import type { BenchSettings } from './bench-settings';

/** What every scenario gets from the run. */
export interface ScenarioContext {
  /** The run's settings. */
  settings: BenchSettings;
  /** URL of the Redis every process of the scenario uses. */
  redisUrl: string;
  /** Pid of the Redis server when the bench started it (for CPU figures). */
  redisPid?: number;
  /** A worker-role connection of the bench process (queues, cleanup). */
  redis: RedisClient;
  /** Logger for the objects the bench builds in its own process (errors only). */
  logger: Logger;
  /** Prints one progress line. */
  log(line: string): void;
}

/** One line of a scenario's table: a measured value, its target and whether it is met. */
export interface ResultRow {
  /** What is measured, e.g. `agent runtime / bare BullMQ`. */
  metric: string;
  /** The measured value with its unit, e.g. `0.95`, `4,870 ops/s`. */
  measured: string;
  /** The target in words (`≥ 0.9`); absent when the line has none. */
  target?: string;
  /** Whether the target is met; absent when the line has none. */
  met?: boolean;
  /** When missed: by how much, in words. */
  missedBy?: string;
}

/** An SVG chart a scenario drew. */
export interface Chart {
  /** File name under `docs/bench/`, without `.svg`. */
  name: string;
  /** What the chart shows (its alt text). */
  title: string;
  /** The SVG document. */
  svg: string;
}

/** What a scenario hands back to the run. */
export interface ScenarioReport {
  /** Its numbers, for `bench/results/latest.json`. */
  data: Record<string, unknown>;
  /** Its table in `docs/BENCHMARKS.md`, also printed. */
  rows: ResultRow[];
  /** Its charts. */
  charts: Chart[];
  /** How it was measured, one paragraph of Markdown. */
  method: string;
}

/** One scenario of the suite. */
export interface Scenario {
  /** Name in `BENCH_ONLY` and in the results, e.g. `http-enqueue`. */
  id: string;
  /** Heading in the docs. */
  title: string;
  /** Measures; must stop every process and delete every key it created, also when it throws. */
  run(context: ScenarioContext): Promise<ScenarioReport>;
}

/** Formats a number with thousands separators and `digits` decimals. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A row whose value must be at least `min`; `unit` is appended to the numbers. */
export function atLeast(
  metric: string,
  value: number,
  min: number,
  digits = 2,
  unit = '',
): ResultRow {
  const met = value >= min;
  const row: ResultRow = {
    metric,
    measured: `${fmt(value, digits)}${unit}`,
    target: `≥ ${fmt(min, digits)}${unit}`,
    met,
  };
  if (!met)
    row.missedBy = `${fmt(min - value, digits)}${unit} (${fmt(((min - value) / min) * 100, 1)} %) short`;
  return row;
}

/** A row whose value must stay below `max`; `unit` is appended to the numbers. */
export function below(
  metric: string,
  value: number,
  max: number,
  digits = 2,
  unit = '',
): ResultRow {
  const met = value < max;
  const row: ResultRow = {
    metric,
    measured: `${fmt(value, digits)}${unit}`,
    target: `< ${fmt(max, digits)}${unit}`,
    met,
  };
  if (!met)
    row.missedBy = `${fmt(value - max, digits)}${unit} (${fmt(((value - max) / max) * 100, 1)} %) over`;
  return row;
}

/** A row without a target. */
export function info(metric: string, measured: string): ResultRow {
  return { metric, measured };
}
