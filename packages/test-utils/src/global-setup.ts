import os from 'node:os';
import path from 'node:path';
import { findRedisServer, pingRedis, startLocalRedis, type LocalRedis } from '@tta/core';

declare global {
  var __TTA_TEST_REDIS__: LocalRedis | undefined;
}

/**
 * Makes sure the integration tests have a Redis: the one at `REDIS_URL` (or 127.0.0.1:6379)
 * when it answers, else a throw-away `redis-server` on a free port, which the teardown stops.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await pingRedis(url, 1500)) {
    process.env.REDIS_URL = url;
    return;
  }
  if (process.env.REDIS_URL !== undefined) {
    throw new Error(`integration tests: no Redis answers at REDIS_URL=${url}`);
  }
  if (!findRedisServer()) {
    throw new Error('integration tests need Redis: install redis-server or set REDIS_URL');
  }
  const dataDir = path.join(os.tmpdir(), `tta-test-redis-${process.pid}`);
  const redis = await startLocalRedis({ dataDir, appendOnly: false });
  globalThis.__TTA_TEST_REDIS__ = redis;
  process.env.REDIS_URL = redis.url;
}
