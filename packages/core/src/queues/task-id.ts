import { randomUUID } from 'node:crypto';

const SEPARATOR = '~';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const QUEUE = /^[a-z0-9.-]+$/;
/** Shards 1 to 9999; shard 0 is written without its number. */
const SHARD = /^[1-9][0-9]{0,3}$/;

/** A task or run id taken apart. */
export interface ParsedTaskId {
  /** The queue the task is in, e.g. `cap.narrative.generate` or `workflow`. */
  queue: string;
  /** Its random (or derived) part. */
  uuid: string;
  /** The shard whose queue holds it (see `QueueShards`); 0 for ids without a shard number. */
  shard: number;
}

/**
 * Task ids carry their queue and shard (`cap.narrative.generate~<uuid>` on shard 0, the only
 * one of a deployment of one shard; `cap.narrative.generate~2~<uuid>` on shard 2), so reading
 * a task is one lookup in one queue of one shard, and a malformed id is refused without
 * touching Redis.
 */
export const TaskId = {
  /** A new random id for a task in `queue` of shard `shard` (default 0). */
  create(queue: string, shard = 0): string {
    return TaskId.format(queue, randomUUID(), shard);
  },

  /** The id of `uuid` in `queue` of shard `shard`: `<queue>~<uuid>`, or `<queue>~<shard>~<uuid>` past shard 0. */
  format(queue: string, uuid: string, shard = 0): string {
    if (!Number.isInteger(shard) || shard < 0 || (shard > 0 && !SHARD.test(String(shard)))) {
      throw new RangeError(`invalid shard ${shard} for a task id`);
    }
    const parts = shard === 0 ? [queue, uuid] : [queue, String(shard), uuid];
    return parts.join(SEPARATOR);
  },

  /** The queue, uuid and shard of a task id, or `undefined` when the id is malformed. */
  parse(id: string): ParsedTaskId | undefined {
    const parts = id.split(SEPARATOR);
    if (parts.length !== 2 && parts.length !== 3) return undefined;
    const queue = parts[0] as string;
    const uuid = parts[parts.length - 1] as string;
    const shardText = parts.length === 3 ? (parts[1] as string) : undefined;
    if (!UUID.test(uuid) || !QUEUE.test(queue)) return undefined;
    if (shardText !== undefined && !SHARD.test(shardText)) return undefined;
    return { queue, uuid, shard: shardText === undefined ? 0 : Number(shardText) };
  },
};
