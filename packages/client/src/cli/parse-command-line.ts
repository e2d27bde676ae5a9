import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from './exit-codes';
import { UsageError } from './usage-error';

/** Option declarations, as `util.parseArgs` takes them. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Option values of a parsed command line, by long name. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** Options every command takes, before or after its name. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** Global options that take a value, in the forms that keep it in the next argument. */
const VALUE_FLAGS = new Set(['--url', '--key']);

/** A parsed command line. */
export interface ParsedCommandLine {
  /** Arguments that are not options; the command's name first. */
  positionals: string[];
  /** Option values, by long name. */
  values: OptionValues;
}

/** The command a command line names: its first argument that is neither an option nor a value. */
export function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return argv[i + 1];
    if (VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * Parses `argv` with the global options and `options`, strictly: an unknown option, a missing
 * value or a value given to a flag throws a {@link UsageError} for `command`.
 */
export function parseCommandLine(
  argv: readonly string[],
  options: OptionSpecs,
  command?: string,
): ParsedCommandLine {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values };
  } catch (err) {
    throw new UsageError(usageMessage(err), command);
  }
}

// util.parseArgs explains at length; the CLI says what is wrong in a few words.
function usageMessage(err: unknown): string {
  const message = messageOf(err);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /^Option '(-[^\s,']+)(?:, (--[^\s']+))?[^']*' argument missing/.exec(message);
  if (missing) return `option '${missing[2] ?? missing[1]}' needs a value`;
  const flag = /^Option '(-[^\s,']+)(?:, (--[^\s']+))?' does not take an argument/.exec(message);
  if (flag) return `option '${flag[2] ?? flag[1]}' takes no value`;
  return message.split(/\.\s/)[0] ?? message;
}
