import type { DeadLetterListOptions } from '../../api-types';
import type { CliCommand, CommandContext } from '../cli-command';
import { integerOption, positionalArgs, stringOption } from '../command-options';
import { ExitCode, oneLine } from '../exit-codes';
import { formatTable, truncate } from '../format-table';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { UsageError } from '../usage-error';

const NAME = 'dead-letter';

/** `tta dead-letter list|retry <id>|delete <id>`: the dead-letter queue. */
export const deadLetterCommand: CliCommand = {
  name: NAME,
  synopsis: 'dead-letter list|retry <id>|delete <id>',
  summary: 'list, retry or delete dead-lettered tasks',
  help: `Usage: tta dead-letter list [--capability c] [--start n] [--limit n]
       tta dead-letter retry <task-id>
       tta dead-letter delete <task-id>

list: the dead-lettered tasks, newest first, as a table (id, capability, attempts, when it
failed, its last error). retry: puts a task back in its queue under the same id, with fresh
attempts. delete: removes its entry.

Options of list:
  --capability <name>   only the tasks of this capability
  --start <n>           index of the first entry (default 0)
  --limit <n>           entries to show, 1 to 1000 (default 50)

${GLOBAL_OPTIONS_HELP}`,
  options: {
    capability: { type: 'string' },
    start: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(context) {
    const [action, ...rest] = context.args;
    switch (action) {
      case 'list':
        return list({ ...context, args: rest });
      case 'retry':
        return retry({ ...context, args: rest });
      case 'delete':
        return remove({ ...context, args: rest });
      case undefined:
        throw new UsageError('missing list, retry or delete', NAME);
      default:
        throw new UsageError(`unknown action '${action}': use list, retry or delete`, NAME);
    }
  },
};

async function list({ client, io, args, values, json }: CommandContext): Promise<number> {
  positionalArgs(args, [], NAME);
  const options: DeadLetterListOptions = {};
  const capability = stringOption(values, 'capability');
  const start = integerOption(values, 'start', NAME);
  const limit = integerOption(values, 'limit', NAME);
  if (capability !== undefined) options.capability = capability;
  if (start !== undefined) options.start = start;
  if (limit !== undefined) options.limit = limit;
  const page = await client.deadLetters(options);
  if (json) {
    io.stdout.write(`${JSON.stringify(page)}\n`);
    return ExitCode.ok;
  }
  if (page.entries.length === 0) {
    io.stdout.write(page.total === 0 ? 'no dead-lettered tasks\n' : `none here of ${page.total}\n`);
    return ExitCode.ok;
  }
  const rows = page.entries.map((e) => [
    e.id,
    e.capability,
    String(e.attempts),
    new Date(e.failedAt).toISOString(),
    truncate(oneLine(e.error.message), 80),
  ]);
  io.stdout.write(formatTable(['ID', 'CAPABILITY', 'ATTEMPTS', 'FAILED AT', 'ERROR'], rows));
  if (page.total > page.entries.length) {
    io.stderr.write(`${page.entries.length} of ${page.total} shown (see --start and --limit)\n`);
  }
  return ExitCode.ok;
}

async function retry({ client, io, args, json }: CommandContext): Promise<number> {
  const [id] = positionalArgs(args, ['task-id'], NAME) as [string];
  const task = await client.retryDeadLetter(id);
  io.stdout.write(
    json ? `${JSON.stringify(task)}\n` : `${task.id} is queued again in ${task.queue}\n`,
  );
  return ExitCode.ok;
}

async function remove({ client, io, args, json }: CommandContext): Promise<number> {
  const [id] = positionalArgs(args, ['task-id'], NAME) as [string];
  await client.deleteDeadLetter(id);
  io.stdout.write(json ? `${JSON.stringify({ id, deleted: true })}\n` : `${id} deleted\n`);
  return ExitCode.ok;
}
