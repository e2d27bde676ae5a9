import type { WorkflowRunInput } from '../../api-types';
import type { CliCommand, CommandContext } from '../cli-command';
import { jsonObjectOption, positionalArgs, stringOption } from '../command-options';
import { ExitCode } from '../exit-codes';
import { followRun } from '../follow-events';
import { formatTable, truncate } from '../format-table';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { reportRun } from '../report-outcome';
import { UsageError } from '../usage-error';

const NAME = 'workflow';

/** `tta workflow list` and `tta workflow run <name> --session s --text '...' [--watch]`. */
export const workflowCommand: CliCommand = {
  name: NAME,
  synopsis: 'workflow list|run <name>',
  summary: 'list workflows, or start a run (--watch: follow it)',
  help: `Usage: tta workflow list
       tta workflow run <name> [--session <id>] [--text '...'] [--input '<json>'] [--watch]

list: the loaded workflows with their stages. run: starts a run and prints its id; with
--watch, follows it (each stage and step on stderr) and prints its result (a player turn's
narrative) when it completes.

Options of run:
  --session <id>   the player session (player-turn needs one)
  --text <text>    the player's words: the run's input field 'text'
  --input <json>   the run's input, a JSON object (--text is added to it)
  --watch          follow the run; exit 0 when it completes, 1 when it does not

${GLOBAL_OPTIONS_HELP}`,
  options: {
    session: { type: 'string' },
    text: { type: 'string' },
    input: { type: 'string' },
    watch: { type: 'boolean' },
  },
  async run(context) {
    const [action, ...rest] = context.args;
    if (action === 'list') return list({ ...context, args: rest });
    if (action === 'run') return start({ ...context, args: rest });
    throw new UsageError(
      action === undefined ? 'missing list or run' : `unknown action '${action}': use list or run`,
      NAME,
    );
  },
};

async function list({ client, io, args, json }: CommandContext): Promise<number> {
  positionalArgs(args, [], NAME);
  const workflows = await client.workflows();
  if (json) {
    io.stdout.write(`${JSON.stringify(workflows)}\n`);
    return ExitCode.ok;
  }
  const rows = workflows.map((w) => [
    w.name,
    w.stages.map((s) => s.name).join(' > '),
    w.requiresSession ? 'yes' : 'no',
    truncate(w.description, 60),
  ]);
  io.stdout.write(formatTable(['NAME', 'STAGES', 'SESSION', 'DESCRIPTION'], rows));
  return ExitCode.ok;
}

async function start(context: CommandContext): Promise<number> {
  const { client, io, args, values, json } = context;
  const [name] = positionalArgs(args, ['name'], NAME) as [string];
  const started = await client.startRun(name, runInputOf(context));
  if (values.watch !== true) {
    io.stdout.write(json ? `${JSON.stringify(started)}\n` : `${started.id}\n`);
    return ExitCode.ok;
  }
  const run = await followRun(client, started.id, { io, display: json ? 'none' : 'events' });
  return reportRun(run, io, json ? 'json' : 'text');
}

function runInputOf({ values }: CommandContext): WorkflowRunInput {
  const input = jsonObjectOption(values, 'input', NAME) ?? {};
  const text = stringOption(values, 'text');
  if (text !== undefined) input.text = text;
  const sessionId = stringOption(values, 'session');
  return sessionId === undefined ? { input } : { input, sessionId };
}
