import type { SafetyEventListOptions, SafetyEventStatus, SafetyLevel } from '../../api-types';
import type { CliCommand, CommandContext } from '../cli-command';
import { integerOption, positionalArgs, stringOption } from '../command-options';
import { ExitCode } from '../exit-codes';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import type { OptionValues } from '../parse-command-line';
import { safetyEventTable, safetyEventText } from '../safety-text';
import { UsageError } from '../usage-error';
import { exportSafetyAudit, watchSafety } from './safety-feed';

const NAME = 'safety';

const STATUSES: readonly SafetyEventStatus[] = ['open', 'acknowledged', 'resolved'];
const LEVELS: readonly SafetyLevel[] = ['crisis', 'concern', 'unknown'];

type Action = (context: CommandContext) => Promise<number>;

/** Each action, with the options of this command it takes. */
const ACTIONS = new Map<string, { options: readonly string[]; run: Action }>([
  ['list', { options: ['status', 'level', 'session', 'limit', 'cursor'], run: list }],
  ['show', { options: [], run: show }],
  ['ack', { options: ['reviewer', 'note'], run: (c) => review(c, 'acknowledge') }],
  ['resolve', { options: ['reviewer', 'note'], run: (c) => review(c, 'resolve') }],
  ['watch', { options: ['after'], run: watchSafety }],
  ['export', { options: ['since', 'output'], run: exportSafetyAudit }],
]);

const ACTION_NAMES = 'list, show, ack, resolve, watch or export';

/** `tta safety list|show|ack|resolve|watch|export`: the review queue of safety events. */
export const safetyCommand: CliCommand = {
  name: NAME,
  synopsis: 'safety list|show|ack|resolve|watch|export',
  summary: 'review, follow and export safety events',
  help: `Usage: tta safety list [--status s] [--level l] [--session id] [--limit n] [--cursor c]
       tta safety show <event-id>
       tta safety ack <event-id> --reviewer <name> [--note <text>]
       tta safety resolve <event-id> --reviewer <name> [--note <text>]
       tta safety watch [--after <entry-id>]
       tta safety export [--since <time>] [--output <file>]

The review queue of safety events; the key needs scope safety:review (or admin).
list: the events, most severe first, then oldest, as a table (type, status, age, session,
categories, id). show: one event, its review and notes. ack: acknowledges an open event.
resolve: resolves an event. A review its status does not allow (acknowledging twice,
resolving again) is refused: 409 review_conflict, exit 3. watch: follows new events and
reviews, one line each on stdout (--json: one JSON object each), until Ctrl-C. export: the
audit trail, oldest first, as JSON lines.

Options of list:
  --status <status>    only events in this status: open, acknowledged or resolved
  --level <level>      only events of this level: crisis, concern or unknown
  --session <id>       only the events of this player session
  --limit <n>          events to show, 1 to 500 (default 50)
  --cursor <cursor>    the next page, as a list that had more printed it

Options of ack and resolve:
  --reviewer <name>    who reviews (required)
  --note <text>        a note kept with the event

Options of watch:
  --after <entry-id>   first replay the audit entries after this one (0-0: all of them)

Options of export:
  --since <time>       start at this time, ISO 8601 or epoch ms (default: the oldest kept)
  --output <file>      write to this file (whole, or not at all) instead of stdout

${GLOBAL_OPTIONS_HELP}`,
  options: {
    status: { type: 'string' },
    level: { type: 'string' },
    session: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    reviewer: { type: 'string' },
    note: { type: 'string' },
    after: { type: 'string' },
    since: { type: 'string' },
    output: { type: 'string' },
  },
  async run(context) {
    const [name, ...rest] = context.args;
    if (name === undefined) throw new UsageError(`missing action: use ${ACTION_NAMES}`, NAME);
    const action = ACTIONS.get(name);
    if (!action) throw new UsageError(`unknown action '${name}': use ${ACTION_NAMES}`, NAME);
    refuseOtherOptions(name, action.options, context.values);
    return action.run({ ...context, args: rest });
  },
};

// An option of another action would be ignored: say so rather than do something else.
function refuseOtherOptions(name: string, allowed: readonly string[], values: OptionValues): void {
  for (const option of Object.keys(safetyCommand.options)) {
    if (values[option] !== undefined && !allowed.includes(option)) {
      throw new UsageError(`--${option} is not an option of '${name}'`, NAME);
    }
  }
}

async function list({ client, io, args, values, json }: CommandContext): Promise<number> {
  positionalArgs(args, [], NAME);
  const page = await client.safetyEvents(listOptionsOf(values));
  if (json) {
    io.stdout.write(`${JSON.stringify(page)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(page.events.length > 0 ? safetyEventTable(page.events) : 'no safety events\n');
  if (page.nextCursor !== undefined) {
    io.stderr.write(`more events: add --cursor ${page.nextCursor}\n`);
  }
  return ExitCode.ok;
}

function listOptionsOf(values: OptionValues): SafetyEventListOptions {
  const options: SafetyEventListOptions = {};
  const status = oneOf(values, 'status', STATUSES);
  const level = oneOf(values, 'level', LEVELS);
  const sessionId = stringOption(values, 'session');
  const limit = integerOption(values, 'limit', NAME);
  const cursor = stringOption(values, 'cursor');
  if (status !== undefined) options.status = status;
  if (level !== undefined) options.level = level;
  if (sessionId !== undefined) options.sessionId = sessionId;
  if (limit !== undefined) options.limit = limit;
  if (cursor !== undefined) options.cursor = cursor;
  return options;
}

function oneOf<T extends string>(
  values: OptionValues,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = stringOption(values, name);
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T;
  const choices = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1) ?? ''}`;
  throw new UsageError(`--${name} must be ${choices}, not '${value}'`, NAME);
}

async function show({ client, io, args, json }: CommandContext): Promise<number> {
  const [id] = positionalArgs(args, ['event-id'], NAME) as [string];
  const event = await client.safetyEvent(id);
  io.stdout.write(json ? `${JSON.stringify(event)}\n` : safetyEventText(event));
  return ExitCode.ok;
}

async function review(
  { client, io, args, values, json }: CommandContext,
  action: 'acknowledge' | 'resolve',
): Promise<number> {
  const [id] = positionalArgs(args, ['event-id'], NAME) as [string];
  const reviewer = stringOption(values, 'reviewer');
  if (reviewer === undefined || reviewer.trim() === '') {
    throw new UsageError('missing --reviewer <name>', NAME);
  }
  const note = stringOption(values, 'note');
  const body = note === undefined ? { reviewer } : { reviewer, note };
  const event =
    action === 'acknowledge'
      ? await client.acknowledgeSafetyEvent(id, body)
      : await client.resolveSafetyEvent(id, body);
  io.stdout.write(
    json ? `${JSON.stringify(event)}\n` : `${event.id} ${event.status} by ${reviewer}\n`,
  );
  return ExitCode.ok;
}
