#!/usr/bin/env node
import { processIo } from './cli-io';
import { messageOf } from './exit-codes';
import { run } from './run-cli';

// The first Ctrl-C stops a command that follows a stream; a second one ends the process.
const interrupt = new AbortController();
process.once('SIGINT', () => {
  interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', () => process.exit(130));
});

run(process.argv.slice(2), processIo(interrupt.signal)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tta: ${messageOf(err)}\n`);
    process.exitCode = 1;
  },
);
