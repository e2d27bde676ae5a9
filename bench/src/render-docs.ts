import { readFileSync } from 'node:fs';
import path from 'node:path';
import { toError } from '@tta/core';
import type { RunResult } from './report/benchmarks-doc';
import { reportPaths, writeDoc } from './report/write-report';

// `npm run report -w bench`: writes docs/BENCHMARKS.md again from bench/results/latest.json and
// bench/notes.md (after the notes changed), without measuring anything.

async function main(): Promise<void> {
  const paths = reportPaths(path.resolve(__dirname, '../..'));
  const run = JSON.parse(readFileSync(paths.results, 'utf8')) as RunResult;
  await writeDoc(run, paths);
  console.log(
    `written ${path.relative(process.cwd(), paths.doc)} from ${path.relative(process.cwd(), paths.results)}`,
  );
}

main().catch((err: unknown) => {
  console.error(toError(err).message);
  process.exit(1);
});
