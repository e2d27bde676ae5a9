import type { QueueNames } from '../queues/queue-names';

/** The hash of a session's world state (`version`, `state`, the results of applied tasks). */
export function worldKey(names: QueueNames, sessionId: string): string {
  return names.key('world', sessionId);
}

/** The list of the task ids a session's world remembers the results of, oldest first. */
export function worldHistoryKey(names: QueueNames, sessionId: string): string {
  return `${worldKey(names, sessionId)}:tasks`;
}

/**
 * The sorted set of the sessions that have a world, scored by the time (epoch ms) of their
 * last read or update: what the retention sweeper reads to find idle worlds. Outside the
 * `world:<sessionId>` keys, so that no session id can name it.
 */
export function worldActivityKey(names: QueueNames): string {
  return names.key('world-activity');
}
