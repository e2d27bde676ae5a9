import type { TtaClient } from '../tta-client';
import type { CliIo } from './cli-io';
import type { OptionSpecs, OptionValues } from './parse-command-line';

/** What a command runs with. */
export interface CommandContext {
  /** A client of the API at `--url`, with the key of `--key`. */
  client: TtaClient;
  /** Where it writes. */
  io: CliIo;
  /** Its arguments after its name. */
  args: string[];
  /** Its option values (the global ones included), by long name. */
  values: OptionValues;
  /** `--json`: machine-readable output on stdout. */
  json: boolean;
}

/** One command of `tta`. */
export interface CliCommand {
  /** Its name: `tta <name> ...`. */
  name: string;
  /** Its arguments in short, for `tta --help`: `enqueue <capability> --input <json>`. */
  synopsis: string;
  /** What it does, in a few words, for `tta --help`. */
  summary: string;
  /** Its usage and options, for `tta <name> --help`. */
  help: string;
  /** Its own options, besides the global ones. */
  options: OptionSpecs;
  /** Runs it; resolves with the exit code. Throws for usage, API and connection errors. */
  run(context: CommandContext): Promise<number>;
}
