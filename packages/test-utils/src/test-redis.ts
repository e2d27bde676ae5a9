import { randomUUID } from 'node:crypto';
import { createRedisConnection, QueueNames, type RedisClient } from '@tta/core';
import { Cluster, Redis } from 'ioredis';

/** URL of the Redis the integration tests use: `REDIS_URL`, else the local default. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * The name of the test connections of the running test file, `tta-test:<file>` (the leak
 * check's environment sets `TTA_TEST_FILE`), so that CLIENT LIST shows whose a connection is.
 */
export function testConnectionName(): string {
  const file = process.env.TTA_TEST_FILE;
  return file ? `tta-test:${file.replace(/[^\w.-]/g, '_')}` : 'tta-test';
}

/** A worker-role connection to the test Redis (one server, never a cluster); close it with `quit()`. */
export function createTestRedis(
  role: 'worker' | 'producer' = 'worker',
  url: string = testRedisUrl(),
): Redis {
  const redis = createRedisConnection({ url, role, name: testConnectionName() });
  if (!(redis instanceof Redis)) {
    redis.disconnect();
    throw new Error(`the test Redis must be one server (redis://), not ${testRedisUrl()}`);
  }
  return redis;
}

/** A unique hash-tagged prefix, so that each test file's keys are its own. */
export function uniquePrefix(): string {
  return `{test-${randomUUID().slice(0, 8)}}`;
}

/** Queue names under a fresh unique prefix. */
export function uniqueNames(): QueueNames {
  return new QueueNames(uniquePrefix());
}

/**
 * Deletes every key under `prefix` (never anything else). On a cluster it scans every master;
 * the keys of one hash-tagged prefix share a slot, so they go in one UNLINK per batch.
 */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<number> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(
        cursor,
        'MATCH',
        `${escapeGlob(prefix)}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
