import type { CliCommand } from '../cli-command';
import { positionalArgs } from '../command-options';
import { followRun, followTask, isRunId } from '../follow-events';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { reportRun, reportTask } from '../report-outcome';

const NAME = 'watch';

/** `tta watch <task-id|run-id>`: follows the events of a task or run until it ends. */
export const watchCommand: CliCommand = {
  name: NAME,
  synopsis: 'watch <task-id|run-id>',
  summary: 'follow a task or workflow run until it ends',
  help: `Usage: tta watch <task-id|run-id>

Follows the server-sent events of a task or a workflow run (ids starting 'workflow~') until it
ends. Events are lines on stderr: its status, 'active', each stage and step of a run, and a
progress bar on a terminal (a 'progress N%' line elsewhere). Prints the result on stdout when it
completes. With --json, prints every event as one JSON object per line on stdout instead.
Exits 0 when it completes, 1 when it fails or is cancelled.

${GLOBAL_OPTIONS_HELP}`,
  options: {},
  async run({ client, io, args, json }) {
    const [id] = positionalArgs(args, ['task-id|run-id'], NAME) as [string];
    const display = json ? 'ndjson' : 'events';
    const format = json ? 'none' : 'text';
    if (isRunId(id)) return reportRun(await followRun(client, id, { io, display }), io, format);
    return reportTask(await followTask(client, id, { io, display }), io, format);
  },
};
