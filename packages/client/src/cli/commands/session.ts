import type { CliCommand, CommandContext } from '../cli-command';
import { positionalArgs } from '../command-options';
import { ExitCode } from '../exit-codes';
import { formatTable } from '../format-table';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { UsageError } from '../usage-error';

const NAME = 'session';

/** `tta session erase <id>`: erases a player session's data everywhere. */
export const sessionCommand: CliCommand = {
  name: NAME,
  synopsis: 'session erase <id>',
  summary: "erase a player session's data everywhere",
  help: `Usage: tta session erase <session-id>

erase: removes every task, run, dead letter, result, world state and history, idempotency
record and per-session cost of the session on every shard; its costs stay in the anonymous
totals and its safety events stay for counts, without the session id. Prints what was removed,
counted (never content); erasing again prints zeros. The key needs scope sessions:erase (or
admin) and must own the session (admin: any).

${GLOBAL_OPTIONS_HELP}`,
  options: {},
  async run(context) {
    const [action, ...rest] = context.args;
    switch (action) {
      case 'erase':
        return erase({ ...context, args: rest });
      case undefined:
        throw new UsageError('missing erase', NAME);
      default:
        throw new UsageError(`unknown action '${action}': use erase`, NAME);
    }
  },
};

async function erase({ client, io, args, json }: CommandContext): Promise<number> {
  const [id] = positionalArgs(args, ['session-id'], NAME) as [string];
  const receipt = await client.eraseSession(id);
  if (json) {
    io.stdout.write(`${JSON.stringify(receipt)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(`session ${receipt.sessionId} erased at ${receipt.erasedAt}\n`);
  const rows = Object.entries(receipt.removed).map(([what, n]) => [what, String(n)]);
  io.stdout.write(formatTable(['REMOVED', 'COUNT'], rows));
  return ExitCode.ok;
}
