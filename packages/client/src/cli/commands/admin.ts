import type { CliCommand, CommandContext } from '../cli-command';
import { positionalArgs } from '../command-options';
import { ExitCode } from '../exit-codes';
import { formatAge, formatTable, truncate } from '../format-table';
import { GLOBAL_OPTIONS_HELP } from '../help-text';
import { UsageError } from '../usage-error';

const NAME = 'admin';

/** `tta admin sessions|end-session <id>`: the admin sessions of the dashboards (scope `admin`). */
export const adminCommand: CliCommand = {
  name: NAME,
  synopsis: 'admin sessions|end-session <id>',
  summary: 'list or end admin sessions (browsers logged in at /admin/login)',
  help: `Usage: tta admin sessions
       tta admin end-session <session-id>

sessions: the live admin sessions, newest first, as a table (id, key, when it logged in, when
it expires, client address, user agent; * marks those of the key you call with).
end-session: ends a session at once; its browser is sent to the login form on its next
request. Both need a key with scope admin.

${GLOBAL_OPTIONS_HELP}`,
  options: {},
  async run(context) {
    const [action, ...rest] = context.args;
    switch (action) {
      case 'sessions':
        return sessions({ ...context, args: rest });
      case 'end-session':
        return endSession({ ...context, args: rest });
      case undefined:
        throw new UsageError('missing sessions or end-session', NAME);
      default:
        throw new UsageError(`unknown action '${action}': use sessions or end-session`, NAME);
    }
  },
};

async function sessions({ client, io, args, json }: CommandContext): Promise<number> {
  positionalArgs(args, [], NAME);
  const list = await client.call('GET', '/v1/admin/sessions');
  if (json) {
    io.stdout.write(`${JSON.stringify(list)}\n`);
    return ExitCode.ok;
  }
  if (list.sessions.length === 0) {
    io.stdout.write('no admin sessions\n');
    return ExitCode.ok;
  }
  const now = Date.now();
  const rows = list.sessions.map((s) => [
    `${s.id}${s.own ? ' *' : ''}`,
    s.keyId,
    `${formatAge(s.createdAt, now)} ago`,
    new Date(s.expiresAt).toISOString(),
    s.address || '-',
    truncate(s.userAgent, 60) || '-',
  ]);
  io.stdout.write(
    formatTable(['ID', 'KEY', 'LOGGED IN', 'EXPIRES', 'ADDRESS', 'USER AGENT'], rows),
  );
  return ExitCode.ok;
}

async function endSession({ client, io, args, json }: CommandContext): Promise<number> {
  const [id] = positionalArgs(args, ['session-id'], NAME) as [string];
  await client.call('DELETE', '/v1/admin/sessions/:id', { params: { id } });
  io.stdout.write(json ? `${JSON.stringify({ id, ended: true })}\n` : `session ${id} ended\n`);
  return ExitCode.ok;
}
