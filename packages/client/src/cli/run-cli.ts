import { TtaClient } from '../tta-client';
import type { CliCommand } from './cli-command';
import type { CliIo } from './cli-io';
import { adminCommand } from './commands/admin';
import { agentsCommand } from './commands/agents';
import { deadLetterCommand } from './commands/dead-letter';
import { enqueueCommand } from './commands/enqueue';
import { safetyCommand } from './commands/safety';
import { sessionCommand } from './commands/session';
import { statusCommand } from './commands/status';
import { watchCommand } from './commands/watch';
import { workflowCommand } from './commands/workflow';
import { describeFailure, ExitCode } from './exit-codes';
import { mainHelp } from './help-text';
import { commandName, parseCommandLine, type OptionValues } from './parse-command-line';
import { UsageError } from './usage-error';

/** The commands of `tta`, in the order `tta --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  enqueueCommand,
  statusCommand,
  watchCommand,
  agentsCommand,
  deadLetterCommand,
  workflowCommand,
  safetyCommand,
  sessionCommand,
  adminCommand,
];

/** The API the CLI talks to when neither `--url` nor `TTA_URL` names one. */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * Runs `tta` with `argv` (the arguments after the program's name) and resolves with its exit
 * code: 0 ok, 1 a followed task or run failed, 2 usage error, 3 API error, 4 connection error
 * (see {@link ExitCode}). Errors are one line on stderr, `tta: <what went wrong>`.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let url = io.env.TTA_URL || DEFAULT_URL;
  try {
    const name = commandName(argv);
    const command = name === undefined || name === 'help' ? undefined : findCommand(name);
    const { positionals, values } = parseCommandLine(argv, command?.options ?? {}, name);
    if (!command) return help(name, positionals.slice(1), values, io);
    if (values.help === true) {
      io.stdout.write(command.help);
      return ExitCode.ok;
    }
    url = urlOf(values, url);
    const key = typeof values.key === 'string' ? values.key : io.env.TTA_API_KEY || undefined;
    const client = new TtaClient({ baseUrl: url, ...(key !== undefined && { apiKey: key }) });
    const args = positionals.slice(1);
    return await command.run({ client, io, args, values, json: values.json === true });
  } catch (error) {
    if (io.signal?.aborted) {
      io.stderr.write('\ntta: interrupted\n');
      return ExitCode.interrupted;
    }
    const failure = describeFailure(error, url);
    io.stderr.write(`tta: ${failure.message}\n`);
    return failure.code;
  }
}

function findCommand(name: string): CliCommand {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  return command;
}

// `tta --help`, `tta help` and `tta help <command>`; `tta` alone is a usage error.
function help(name: string | undefined, topics: string[], values: OptionValues, io: CliIo): number {
  if (name === undefined && values.help !== true) throw new UsageError('missing command');
  const [topic, extra] = topics;
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  io.stdout.write(topic === undefined ? mainHelp(COMMANDS) : findCommand(topic).help);
  return ExitCode.ok;
}

function urlOf(values: OptionValues, fallback: string): string {
  const url = typeof values.url === 'string' ? values.url : fallback;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`'${url}' is not an http or https URL`);
  }
  return url;
}
