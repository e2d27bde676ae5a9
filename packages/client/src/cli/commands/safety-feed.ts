import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { CommandContext } from '../cli-command';
import type { CliStream } from '../cli-io';
import { positionalArgs, stringOption } from '../command-options';
import { ExitCode } from '../exit-codes';
import { StreamEndedError } from '../follow-events';
import type { OptionValues } from '../parse-command-line';
import { auditEntryLine } from '../safety-text';
import { UsageError } from '../usage-error';

const NAME = 'safety';

const ENTRY_ID = /^\d{1,16}-\d{1,10}$/;

/**
 * `tta safety watch [--after <entry-id>]`: follows the safety feed, one line per audit entry on
 * stdout (one JSON object with `--json`), until Ctrl-C. The feed never ends on its own: when
 * the API ends it, this throws a {@link StreamEndedError} that says how to resume.
 */
export async function watchSafety(context: CommandContext): Promise<number> {
  const { client, io, args, values, json } = context;
  positionalArgs(args, [], NAME);
  let last = stringOption(values, 'after');
  if (last !== undefined && !ENTRY_ID.test(last)) {
    throw new UsageError(`--after must be an audit entry id such as 1733548800000-0`, NAME);
  }
  const stream = client.safetyEventStream({
    ...(last !== undefined && { lastEventId: last }),
    ...(io.signal && { signal: io.signal }),
  });
  for await (const { id, data } of stream) {
    if (id !== undefined) last = id;
    const line = json ? JSON.stringify(data) : auditEntryLine(data.entry, data.event);
    await writeLine(io.stdout, line);
  }
  const resume = last === undefined ? '' : `; resume with 'tta safety watch --after ${last}'`;
  throw new StreamEndedError(`the safety event stream ended${resume}`);
}

/**
 * `tta safety export [--since <time>] [--output <file>]`: the audit trail as JSON lines, oldest
 * first, to stdout or to a file. The file is written whole or not at all: entries go to a
 * `.partial` file beside it, renamed over it once the export has ended.
 */
export async function exportSafetyAudit(context: CommandContext): Promise<number> {
  const { client, io, args, values } = context;
  positionalArgs(args, [], NAME);
  const since = sinceOption(values);
  const output = stringOption(values, 'output');
  let count = 0;
  const lines = async function* (): AsyncGenerator<string> {
    const entries = client.safetyAudit({
      ...(since !== undefined && { since }),
      ...(io.signal && { signal: io.signal }),
    });
    for await (const entry of entries) {
      count += 1;
      yield `${JSON.stringify(entry)}\n`;
    }
  };
  if (output === undefined) {
    for await (const line of lines()) await writeLine(io.stdout, line.slice(0, -1));
    return ExitCode.ok;
  }
  await writeWhole(output, lines());
  io.stderr.write(`${count} audit ${count === 1 ? 'entry' : 'entries'} written to ${output}\n`);
  return ExitCode.ok;
}

/** `--since`: epoch ms, or a time `Date.parse` reads (ISO 8601). */
function sinceOption(values: OptionValues): number | undefined {
  const text = stringOption(values, 'since');
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--since must be an ISO time or epoch ms, not '${text}'`, NAME);
  }
  return ms;
}

async function writeWhole(file: string, lines: AsyncIterable<string>): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await pipeline(lines, createWriteStream(partial));
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

// Waits for a stream that asked to (`write` answered false) before writing more: an export to a
// slow pipe is not held in memory.
async function writeLine(stream: CliStream, line: string): Promise<void> {
  if (stream.write(`${line}\n`) !== false || !stream.once) return;
  await new Promise<void>((resolve) => stream.once?.('drain', resolve));
}
