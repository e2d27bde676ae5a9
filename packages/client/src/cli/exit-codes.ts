import { ApiError } from '../api-error';
import { StreamEndedError } from './follow-events';
import { UsageError } from './usage-error';

/** Exit codes of the `tta` command. */
export const ExitCode = {
  /** The command did what it was asked; a followed task or run completed. */
  ok: 0,
  /** A followed task or run failed, was cancelled or dead-lettered (or an unexpected error). */
  failed: 1,
  /** The command line is wrong. */
  usage: 2,
  /** The API answered with an error: 400, 401, 403, 404, 409, 422, 503... */
  api: 3,
  /** The API could not be reached, did not answer in time, or ended a stream early. */
  connection: 4,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

/** An exit code with the one line that explains it. */
export interface Failure {
  /** The exit code. */
  code: number;
  /** One line for stderr, without the `tta: ` prefix. */
  message: string;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/** The exit code and message of an error thrown while running a command against `url`. */
export function describeFailure(error: unknown, url: string): Failure {
  if (error instanceof UsageError) {
    const help = error.command ? `tta ${error.command} --help` : 'tta --help';
    return { code: ExitCode.usage, message: `${error.message} (see '${help}')` };
  }
  if (error instanceof ApiError) {
    return { code: ExitCode.api, message: `${error.status} ${error.code}: ${error.message}` };
  }
  if (error instanceof StreamEndedError) {
    return { code: ExitCode.connection, message: error.message };
  }
  if (isTimeout(error)) {
    return { code: ExitCode.connection, message: `the API at ${url} did not answer in time` };
  }
  const cause = connectionCause(error);
  if (cause !== undefined) {
    return { code: ExitCode.connection, message: `cannot reach the API at ${url} (${cause})` };
  }
  return { code: ExitCode.failed, message: oneLine(messageOf(error)) };
}

/**
 * The message of a thrown value. Checked by shape, not `instanceof`: errors of Node's own
 * modules (fetch, `util.parseArgs`) may come from another realm than this module's `Error`.
 */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** `text` on one line: line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || /^no answer within/.test(messageOf(error));
}

// fetch() fails with `TypeError: fetch failed` (or `terminated`, mid-stream) and the socket's
// error as its cause.
function connectionCause(error: unknown): string | undefined {
  const { name, cause } = (error ?? {}) as {
    name?: unknown;
    cause?: { code?: unknown; message?: unknown };
  };
  if (name !== 'TypeError') return undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('UND_ERR'))) return code;
  const message = messageOf(error);
  if (message === 'fetch failed' || message === 'terminated') {
    return typeof cause?.message === 'string' ? cause.message : message;
  }
  return undefined;
}
