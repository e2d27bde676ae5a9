import { randomUUID } from 'node:crypto';
import { createRedisConnection, QueueNames } from '@tta/core';
import type { Redis } from 'ioredis';

/** URL of the Redis the integration tests use: `REDIS_URL`, else the local default. */
export function testRedisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A worker-role connection to the test Redis; close it with `quit()`. */
export function createTestRedis(role: 'worker' | 'producer' = 'worker'): Redis {
  return createRedisConnection({ url: testRedisUrl(), role, name: 'tta-test' });
}

/** A unique hash-tagged prefix, so that each test file's keys are its own. */
export function uniquePrefix(): string {
  return `{test-${randomUUID().slice(0, 8)}}`;
}

/** Queue names under a fresh unique prefix. */
export function uniqueNames(): QueueNames {
  return new QueueNames(uniquePrefix());
}

/** Deletes every key under `prefix` (never anything else). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
