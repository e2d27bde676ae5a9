import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@tta/core';
import { Cluster, type Redis } from 'ioredis';

/** A key prefix (hash tag) of its own for one scenario: `{bench-<name>-<random>}`. */
export function uniquePrefix(name: string): string {
  return `{bench-${name}-${randomUUID().slice(0, 8)}}`;
}

/** Deletes every key under `prefix` (SCAN and UNLINK in batches, on every master of a cluster). */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  const nodes: Redis[] = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await node.unlink(...keys);
    } while (cursor !== '0');
  }
}
