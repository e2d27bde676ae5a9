import type { TaskInput } from '../../api-types';
import type { CliCommand, CommandContext } from '../cli-command';
import { integerOption, jsonObjectOption, positionalArgs, stringOption } from '../command-options';
import { ExitCode } from '../exit-codes';
import { followTask } from '../follow-events';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { reportTask } from '../report-outcome';

const NAME = 'enqueue';

/** `tta enqueue <capability> --input '<json>' [--session s] [--priority n] [--idempotency-key k] [--wait]`. */
export const enqueueCommand: CliCommand = {
  name: NAME,
  synopsis: 'enqueue <capability> --input <json>',
  summary: 'enqueue a task; with --wait, follow it and print its result',
  help: `Usage: tta enqueue <capability> --input '<json>' [options]

Enqueues one task and prints its id. With --wait, follows the task's events (a progress bar
on a terminal) and prints its result when it completes: a narrative's passage as text,
anything else as JSON.

Options:
  --input <json>            the capability's input, a JSON object (default {})
  --session <id>            the player session the task belongs to
  --priority <n>            1 (most urgent) to 1000
  --idempotency-key <key>   the same key (and body) gives back the same task
  --wait                    follow the task; exit 0 when it completes, 1 when it does not

${GLOBAL_OPTIONS_HELP}`,
  options: {
    input: { type: 'string' },
    session: { type: 'string' },
    priority: { type: 'string' },
    'idempotency-key': { type: 'string' },
    wait: { type: 'boolean' },
  },
  async run(context) {
    const { client, io, json, values } = context;
    const accepted = await client.enqueue(taskInputOf(context));
    if (values.wait !== true) {
      io.stdout.write(json ? `${JSON.stringify(accepted)}\n` : `${accepted.id}\n`);
      return ExitCode.ok;
    }
    const task = await followTask(client, accepted.id, { io, display: json ? 'none' : 'events' });
    return reportTask(task, io, json ? 'json' : 'text');
  },
};

function taskInputOf({ args, values }: CommandContext): TaskInput {
  const [capability] = positionalArgs(args, ['capability'], NAME) as [string];
  const task: TaskInput = { capability, input: jsonObjectOption(values, 'input', NAME) ?? {} };
  const sessionId = stringOption(values, 'session');
  const priority = integerOption(values, 'priority', NAME);
  const idempotencyKey = stringOption(values, 'idempotency-key');
  if (sessionId !== undefined) task.sessionId = sessionId;
  if (priority !== undefined) task.priority = priority;
  if (idempotencyKey !== undefined) task.idempotencyKey = idempotencyKey;
  return task;
}
