import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toError } from '@tta/core';
import { type SafetyLevel } from '@tta/contracts';
import { SAFETY_LEVELS } from '@tta/contracts';
import { parse } from 'csv-parse/sync';

/** The header every corpus CSV starts with. */
export const CORPUS_HEADER = ['expect', 'category', 'style', 'text'] as const;

/** One labelled text of the safety corpus. */
export interface CorpusRow {
  /** The level the screen should give the text. */
  expect: SafetyLevel;
  /** What the text is about (`wish_dead`, `game_violent`, ...). */
  category: string;
  /** How it is written (`direct`, `typo`, `slang`, ...). */
  style: string;
  text: string;
  /** The file the row comes from, as given to the parser. */
  file: string;
  /** The line the row starts on, from 1. */
  line: number;
}

/** A corpus file that cannot be used: the message names the file and line. */
export class CorpusError extends Error {
  constructor(
    /** The file, as given to the parser. */
    readonly file: string,
    /** The offending line, from 1. */
    readonly line: number,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'CorpusError';
  }
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function parseRecords(content: string, file: string): ParsedRecord[] {
  try {
    // With `info`, each record comes as { record, info }: the typings do not say so.
    return parse(content, {
      bom: true,
      info: true,
      relax_column_count: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const lines: unknown = (err as { lines?: unknown }).lines;
    const line = typeof lines === 'number' ? lines : 1;
    throw new CorpusError(file, line, `not valid CSV: ${toError(err).message}`);
  }
}

function isLevel(value: string): value is SafetyLevel {
  return (SAFETY_LEVELS as readonly string[]).includes(value);
}

/** Why `fields` is not a valid row, or undefined when it is one. */
function rowProblem(fields: readonly string[]): string | undefined {
  if (fields.length !== CORPUS_HEADER.length) {
    return `expected ${CORPUS_HEADER.length} fields, got ${fields.length}`;
  }
  const expect = fields[0] ?? '';
  if (!isLevel(expect)) return `expect must be one of ${SAFETY_LEVELS.join('|')}, got "${expect}"`;
  const empty = CORPUS_HEADER.findIndex((_, i) => i > 0 && (fields[i] ?? '').trim() === '');
  return empty === -1 ? undefined : `${CORPUS_HEADER[empty]} must not be empty`;
}

function toRow(fields: readonly string[], file: string, line: number): CorpusRow {
  const problem = rowProblem(fields);
  if (problem !== undefined) throw new CorpusError(file, line, problem);
  const [expect, category, style, text] = fields as [SafetyLevel, string, string, string];
  return { expect, category, style, text, file, line };
}

/**
 * Parses and validates one corpus CSV (RFC 4180, header `expect,category,style,text`). Blank
 * lines are skipped. Throws a {@link CorpusError} naming `file` and the line of the first bad row.
 */
export function parseCorpus(content: string, file: string): CorpusRow[] {
  const records = parseRecords(content, file);
  const header = records[0]?.record ?? [];
  if (header.join(',') !== CORPUS_HEADER.join(',')) {
    throw new CorpusError(file, 1, `header must be "${CORPUS_HEADER.join(',')}"`);
  }
  const rows: CorpusRow[] = [];
  let previousEnd = records[0]?.info.lines ?? 1;
  for (const { record, info } of records.slice(1)) {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (record.length === 1 && record[0] === '') continue;
    rows.push(toRow(record, file, line));
  }
  return rows;
}

/** The files of a corpus folder with this extension, sorted by name; none without the folder. */
export function corpusFiles(dir: string, extension = '.csv'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Every row of every CSV in `dir`, files in name order, each file's rows in order. */
export function readCorpus(dir: string): CorpusRow[] {
  return corpusFiles(dir).flatMap((file) =>
    parseCorpus(readFileSync(file, 'utf8'), path.relative(process.cwd(), file)),
  );
}

/** One line of a transcript of play. */
export interface TranscriptLine {
  text: string;
  /** The file, relative to the working directory. */
  file: string;
  /** The line number, from 1. */
  line: number;
}

/** Every non-blank line of every `.txt` file in `dir`, files in name order. */
export function readTranscripts(dir: string): TranscriptLine[] {
  return corpusFiles(dir, '.txt').flatMap((file) => {
    const name = path.relative(process.cwd(), file);
    return readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((text, i) => ({ text: text.trim(), file: name, line: i + 1 }))
      .filter((entry) => entry.text !== '');
  });
}
