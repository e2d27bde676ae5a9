import { randomUUID } from 'node:crypto';

const SEPARATOR = '~';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Task ids carry their queue (`cap.narrative.generate~<uuid>`), so reading a task is one
 * lookup in one queue, and a malformed id is refused without touching Redis.
 */
export const TaskId = {
  /** A new random id for a task in `queue`. */
  create(queue: string): string {
    return `${queue}${SEPARATOR}${randomUUID()}`;
  },

  /** The queue of a task id, or `undefined` when the id is malformed. */
  parse(id: string): { queue: string; uuid: string } | undefined {
    const at = id.lastIndexOf(SEPARATOR);
    if (at <= 0) return undefined;
    const queue = id.slice(0, at);
    const uuid = id.slice(at + 1);
    if (!UUID.test(uuid) || !/^[a-z0-9.-]+$/.test(queue)) return undefined;
    return { queue, uuid };
  },
};
