import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toError } from '@tta/core';
import { type SafetyLevel } from '@tta/contracts';
import { readCorpus, readTranscripts, type CorpusRow, type TranscriptLine } from './corpus';
import { EVAL_SAFETY_USAGE, parseEvalArgs, type EvalSafetyOptions } from './eval-args';
import { NEW_SAFETY_DOC, replaceGeneratedSection } from './safety-doc';
import { splitMetrics, type Rate, type ScreenedRow } from './safety-metrics';
import { safetyPaths } from './safety-paths';
import { renderSafetyReport, SPLITS, type SafetyEvalResult, type Split } from './safety-report';
import { judgeThresholds, thresholdFailures } from './safety-thresholds';
import { createEvalScreen } from './screen-adapter';
import { screenTimed } from './screen-timing';
import { writeFormatted } from './write-formatted';

// `npm run eval:safety`: screens the labelled corpus (eval/safety/train and test) and the
// transcripts of play, prints the rates, writes bench/results/safety.json and docs/SAFETY.md,
// and fails unless the test split and the transcripts meet SAFETY_THRESHOLDS. Texts of the test
// split are never printed: whoever tunes the screen must not see them.

interface Screened<T> {
  entry: T;
  got: SafetyLevel;
}

function splitsOf(options: EvalSafetyOptions): Split[] {
  return options.split === 'all' ? [...SPLITS] : [options.split];
}

function flaggedRate(lines: readonly Screened<TranscriptLine>[]): Rate {
  const hits = lines.filter((line) => line.got !== 'safe').length;
  return { rate: lines.length === 0 ? null : hits / lines.length, hits, of: lines.length };
}

function toScreenedRow({ entry, got }: Screened<CorpusRow>): ScreenedRow {
  return { expect: entry.expect, got, category: entry.category, style: entry.style };
}

function printErrors(
  options: EvalSafetyOptions,
  train: readonly Screened<CorpusRow>[],
  transcript: readonly Screened<TranscriptLine>[],
): void {
  if (options.showErrors.includes('train')) {
    const wrong = train.filter(({ entry, got }) => entry.expect !== got);
    console.log(`\nMisclassified train rows: ${wrong.length}`);
    for (const { entry, got } of wrong) {
      console.log(
        `  expected ${entry.expect}, got ${got}  [${entry.category}/${entry.style}] ` +
          `${entry.file}:${entry.line}  ${JSON.stringify(entry.text)}`,
      );
    }
  }
  if (options.showErrors.includes('transcript')) {
    const flagged = transcript.filter(({ got }) => got !== 'safe');
    console.log(`\nFlagged transcript lines: ${flagged.length}`);
    for (const { entry, got } of flagged) {
      console.log(`  ${got}  ${entry.file}:${entry.line}  ${JSON.stringify(entry.text)}`);
    }
  }
}

async function writeOutputs(result: SafetyEvalResult, report: string): Promise<void> {
  const paths = safetyPaths();
  mkdirSync(path.dirname(paths.results), { recursive: true });
  writeFileSync(paths.results, `${JSON.stringify(result, null, 2)}\n`);
  const doc = existsSync(paths.doc) ? readFileSync(paths.doc, 'utf8') : NEW_SAFETY_DOC;
  await writeFormatted(paths.doc, replaceGeneratedSection(doc, report));
  console.log(
    `written ${path.relative(process.cwd(), paths.results)}, ${path.relative(process.cwd(), paths.doc)}`,
  );
}

function optionsOrExit(): EvalSafetyOptions {
  try {
    return parseEvalArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`eval:safety: ${toError(err).message}\n${EVAL_SAFETY_USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = optionsOrExit();
  const paths = safetyPaths();
  const corpora = splitsOf(options).map((split) => ({ split, rows: readCorpus(paths[split]) }));
  const transcript = readTranscripts(paths.transcript);
  const texts = [...corpora.flatMap(({ rows }) => rows), ...transcript].map((e) => e.text);
  const { results, latencyMs } = screenTimed(createEvalScreen(), texts);
  // Results come in the order of `texts`: hand them out in that order.
  let at = 0;
  const label = <T>(entries: readonly T[]): Screened<T>[] =>
    entries.map((entry) => ({ entry, got: results[at++]?.level ?? 'safe' }));
  const screened = corpora.map(({ split, rows }) => ({ split, rows: label(rows) }));
  const screenedTranscript = label(transcript);

  const splits: SafetyEvalResult['splits'] = {};
  for (const { split, rows } of screened) splits[split] = splitMetrics(rows.map(toScreenedRow));
  const flagged = flaggedRate(screenedTranscript);
  const thresholds = judgeThresholds({
    ...(splits.test && { test: splits.test.rates }),
    transcriptFlagged: flagged,
  });
  const version = results.find((r) => r.version !== undefined)?.version;
  const result: SafetyEvalResult = {
    date: new Date().toISOString(),
    ...(version !== undefined && { screenVersion: version }),
    split: options.split,
    splits,
    transcript: { lines: transcript.length, flagged },
    latencyMs,
    thresholds,
    pass: thresholds.every((t) => t.pass),
  };
  const report = renderSafetyReport(result);
  console.log(report);
  const train = screened.find((s) => s.split === 'train')?.rows ?? [];
  printErrors(options, train, screenedTranscript);
  if (options.write) await writeOutputs(result, report);
  const failures = thresholdFailures(thresholds);
  for (const line of failures) console.log(line);
  const unjudged = splits.test ? '' : ' (test split not screened: its thresholds not judged)';
  console.log(failures.length === 0 ? `eval:safety: pass${unjudged}` : 'eval:safety: FAILED');
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`eval:safety: ${toError(err).message}`);
  process.exit(1);
});
