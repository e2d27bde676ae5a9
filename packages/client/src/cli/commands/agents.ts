import type { AgentFilter, AgentStatus } from '../../api-types';
import type { CliCommand } from '../cli-command';
import { positionalArgs, stringOption } from '../command-options';
import { ExitCode } from '../exit-codes';
import { formatLabels, formatTable, truncate } from '../format-table';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { UsageError } from '../usage-error';

const NAME = 'agents';

const STATUSES: ReadonlySet<string> = new Set(['starting', 'ready', 'draining']);

/** `tta agents [--type t] [--capability c] [--status s]`: the live agents, as a table. */
export const agentsCommand: CliCommand = {
  name: NAME,
  synopsis: 'agents [--type t] [--capability c]',
  summary: 'list live agents',
  help: `Usage: tta agents [options]

Lists the live agents as a table: id, type, status, active jobs of concurrency, capabilities,
labels, host and pid, and the age of the last heartbeat.

Options:
  --type <type>         only agents of this type, e.g. narrative-generator
  --capability <name>   only agents serving this capability
  --status <status>     only agents in this status: starting, ready or draining

${GLOBAL_OPTIONS_HELP}`,
  options: {
    type: { type: 'string' },
    capability: { type: 'string' },
    status: { type: 'string' },
  },
  async run({ client, io, args, values, json }) {
    positionalArgs(args, [], NAME);
    const agents = await client.agents(filterOf(values));
    if (json) {
      io.stdout.write(`${JSON.stringify(agents)}\n`);
      return ExitCode.ok;
    }
    if (agents.length === 0) {
      io.stdout.write('no live agents\n');
      return ExitCode.ok;
    }
    const rows = agents.map((a) => [
      a.id,
      a.type,
      a.status,
      `${a.activeJobs}/${a.concurrency}`,
      truncate(a.capabilities.join(','), 60),
      formatLabels(a.labels),
      `${a.host}:${a.pid}`,
      `${(a.heartbeatAgeMs / 1000).toFixed(1)}s`,
    ]);
    io.stdout.write(
      formatTable(
        ['ID', 'TYPE', 'STATUS', 'ACTIVE', 'CAPABILITIES', 'LABELS', 'HOST:PID', 'HEARTBEAT'],
        rows,
      ),
    );
    return ExitCode.ok;
  },
};

function filterOf(values: Parameters<typeof stringOption>[0]): AgentFilter {
  const filter: AgentFilter = {};
  const type = stringOption(values, 'type');
  const capability = stringOption(values, 'capability');
  const status = stringOption(values, 'status');
  if (type !== undefined) filter.type = type;
  if (capability !== undefined) filter.capability = capability;
  if (status !== undefined) {
    if (!STATUSES.has(status)) {
      throw new UsageError(`--status must be starting, ready or draining, not '${status}'`, NAME);
    }
    filter.status = status as AgentStatus;
  }
  return filter;
}
