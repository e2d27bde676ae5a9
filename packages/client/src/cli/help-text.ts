import type { CliCommand } from './cli-command';

/** The global options, as every help text lists them. */
export const GLOBAL_OPTIONS_HELP = `Global options:
  --url <url>   API base URL (env TTA_URL; default http://127.0.0.1:8080)
  --key <key>   API key, sent as a bearer token (env TTA_API_KEY)
  --json        machine-readable output on stdout
  -h, --help    show help
`;

/** The exit codes, as `tta --help` lists them. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ok (a followed task or run completed)
  1  a followed task or run failed, was cancelled or dead-lettered
  2  usage error
  3  API error (400, 401/403 auth, 404, 409, 422, 503...)
  4  the API could not be reached
`;

/** The text of `tta --help`. */
export function mainHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.synopsis.length));
  const lines = commands.map((c) => `  ${c.synopsis.padEnd(width)}  ${c.summary}`);
  return `Usage: tta <command> [arguments] [options]

A command-line client of the TTA agent orchestration API.

Commands:
${lines.join('\n')}

Run 'tta <command> --help' for a command's options.

${GLOBAL_OPTIONS_HELP}
${EXIT_CODES_HELP}`;
}
