import { messageOf } from './exit-codes';
import type { OptionValues } from './parse-command-line';
import { UsageError } from './usage-error';

/** The string value of option `name`, if given. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The integer value of option `name`, if given; throws a {@link UsageError} for anything else. */
export function integerOption(
  values: OptionValues,
  name: string,
  command: string,
): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) {
    throw new UsageError(`--${name} must be an integer, not '${text}'`, command);
  }
  return Number(text);
}

/** The value of option `name` parsed as a JSON object, if given; throws a {@link UsageError} otherwise. */
export function jsonObjectOption(
  values: OptionValues,
  name: string,
  command: string,
): Record<string, unknown> | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--${name} is not valid JSON (${messageOf(err)})`, command);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--${name} must be a JSON object, e.g. '{"text":"look"}'`, command);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The positional arguments of a command, checked against the names it takes: a missing one or
 * one too many throws a {@link UsageError}.
 */
export function positionalArgs(args: string[], names: string[], command: string): string[] {
  if (args.length < names.length) {
    throw new UsageError(`missing <${names[args.length] ?? ''}>`, command);
  }
  if (args.length > names.length) {
    throw new UsageError(`unexpected argument '${args[names.length] ?? ''}'`, command);
  }
  return args;
}
