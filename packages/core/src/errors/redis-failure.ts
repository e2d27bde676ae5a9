import { AppError } from './app-error';
import { CapacityError } from './capacity-error';
import { RedisUnavailableError } from './redis-unavailable-error';
import { toError } from './to-error';

/** Node socket error codes of a connection that failed or could not be made. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * What ioredis and Redis say when a command could not be carried out because of the server or
 * the connection, not because of the command: a closed or offline connection, retries given
 * up, a timeout, a server loading, read-only, out of memory, busy, or a cluster without its
 * slots.
 */
const OUTAGE_MESSAGES: readonly RegExp[] = [
  /connection is closed/i,
  /stream isn't writeable/i,
  /max retries per request/i,
  /command timed out/i,
  /^LOADING\b/,
  /^READONLY\b/,
  /^MASTERDOWN\b/,
  /^CLUSTERDOWN\b/,
  /^TRYAGAIN\b/,
  /^BUSY\b/,
  /^NOREPLICAS\b/,
];

/** What Redis answers a write it refuses for lack of memory (`OOM command not allowed...`). */
const OUT_OF_MEMORY = /^OOM\b/;

/**
 * Whether `err` is Redis refusing a write because it is out of memory (over its `maxmemory`):
 * the command's own error, or a transaction discarded (`EXECABORT`) because of one, as ioredis
 * reports it (`previousErrors`), or a script whose write was refused.
 */
export function isRedisOutOfMemory(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (OUT_OF_MEMORY.test(err.message) || /\bOOM command not allowed\b/.test(err.message)) {
    return true;
  }
  const previous = (err as { previousErrors?: unknown }).previousErrors;
  return Array.isArray(previous) && previous.some((e) => isRedisOutOfMemory(e));
}

/** A connection whose state tells whether it can carry commands (ioredis `status`). */
export interface RedisConnectionState {
  status: string;
}

/**
 * Whether `err` means Redis is unavailable (so the same request may work later), rather than
 * a bug or a refused command: the connection is not ready, or the error is one of a failed
 * connection or an unavailable server.
 */
export function isRedisOutage(err: unknown, connection?: RedisConnectionState): boolean {
  if (connection !== undefined && connection.status !== 'ready') return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  return OUTAGE_MESSAGES.some((pattern) => pattern.test(err.message));
}

/**
 * The one mapping of a failure met while working against Redis: an {@link AppError} stays what
 * it is, Redis out of memory becomes {@link CapacityError} (503 `capacity`), an outage
 * {@link RedisUnavailableError} (503 `redis_unavailable`), anything else keeps its identity (a
 * bug answers 500, never a misleading 503).
 */
export function redisFailure(err: unknown, connection?: RedisConnectionState): Error {
  if (err instanceof AppError) return err;
  if (isRedisOutOfMemory(err)) return new CapacityError({ cause: err });
  if (isRedisOutage(err, connection)) return new RedisUnavailableError(err);
  return toError(err);
}
