import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@tta/test-utils';
import type { ReliabilityScaleName } from './scale';

/** What one reliability test measured: numbers, flags and short lists, all JSON. */
export type TestSummary = Record<string, unknown>;

/** The results file: the last summary of each test at one scale. */
export interface ReliabilityResults {
  scale: ReliabilityScaleName;
  machine: { cpus: number; node: string; platform: string };
  /** The whole suite, written by its global teardown. */
  suite?: { wallMs: number; finishedAt: string };
  tests: Record<string, TestSummary & { at: string }>;
}

const RESULTS_DIR = path.join(REPO_ROOT, 'test/reliability/results');

/** The results file of a scale: `latest.json` for the full suite, `short.json` (not committed) for `npm test`. */
export function resultsFile(scale: ReliabilityScaleName): string {
  return path.join(RESULTS_DIR, scale === 'full' ? 'latest.json' : 'short.json');
}

/** Reads the results of a scale (empty when there are none yet). */
export function readResults(scale: ReliabilityScaleName): ReliabilityResults {
  const file = resultsFile(scale);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ReliabilityResults;
  return {
    scale,
    machine: { cpus: os.cpus().length, node: process.version, platform: process.platform },
    tests: {},
  };
}

/** Writes the results of a scale, formatted as the repository's prettier settings say. */
export function writeResults(results: ReliabilityResults): void {
  const file = resultsFile(results.scale);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2));
  formatFile(file);
}

/** Formats a file in place with the repository's prettier (its CLI: jest cannot load its ESM parts). */
export function formatFile(file: string): void {
  const cli = path.join(REPO_ROOT, 'node_modules/prettier/bin/prettier.cjs');
  execFileSync(process.execPath, [cli, '--write', '--log-level', 'warn', file], { cwd: REPO_ROOT });
}

/**
 * Prints a test's summary as one line of JSON (`RELIABILITY {...}`) and merges it into the
 * results file of the scale, under the test's name.
 */
export function recordResult(
  scale: ReliabilityScaleName,
  test: string,
  summary: TestSummary,
): void {
  process.stdout.write(`RELIABILITY ${JSON.stringify({ test, scale, ...summary })}\n`);
  const results = readResults(scale);
  results.machine = { cpus: os.cpus().length, node: process.version, platform: process.platform };
  results.tests[test] = { at: new Date().toISOString(), ...summary };
  writeResults(results);
}
