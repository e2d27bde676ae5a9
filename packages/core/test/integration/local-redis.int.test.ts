import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer, freePort, pingRedis, startLocalRedis } from '@tta/core';
import { testRedisUrl } from '@tta/test-utils';

describe('pingRedis', () => {
  it('answers true for the test Redis', async () => {
    await expect(pingRedis(testRedisUrl())).resolves.toBe(true);
  });

  it('answers false quickly where nothing listens', async () => {
    const started = Date.now();
    await expect(pingRedis('redis://127.0.0.1:1', 1000)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('answers false for a port that is free right now', async () => {
    await expect(pingRedis(`redis://127.0.0.1:${await freePort()}`, 500)).resolves.toBe(false);
  });
});

describe('findRedisServer', () => {
  it('finds nothing on an empty PATH', () => {
    expect(findRedisServer('')).toBeUndefined();
    expect(findRedisServer(os.tmpdir())).toBeUndefined();
  });
});

const binary = findRedisServer();
if (!binary) {
  // Not a failure: the machine has no redis-server to start.
  console.warn('startLocalRedis tests skipped: no redis-server on PATH');
}
const describeWithBinary = binary ? describe : describe.skip;

describeWithBinary('startLocalRedis', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tta-local-redis-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function withClient<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      return await fn(redis);
    } finally {
      await redis.quit();
    }
  }

  it('keeps data across a restart in the same directory with append-only on', async () => {
    const first = await startLocalRedis({ dataDir, appendOnly: true });
    try {
      expect(first.url).toBe(`redis://127.0.0.1:${first.port}`);
      expect(first.pid).toBeGreaterThan(0);
      await withClient(first.url, async (redis) => {
        expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        await redis.set('tta:test:kept', 'across restarts');
      });
    } finally {
      await first.stop();
    }
    expect(await pingRedis(first.url, 500)).toBe(false);
    const second = await startLocalRedis({ dataDir, appendOnly: true });
    try {
      await withClient(second.url, async (redis) => {
        expect(await redis.get('tta:test:kept')).toBe('across restarts');
      });
    } finally {
      await second.stop();
    }
    // Stopping twice is harmless.
    await second.stop();
    expect(() => process.kill(second.pid, 0)).toThrow();
  });

  it('fails clearly with a binary that is not redis-server', async () => {
    await expect(
      startLocalRedis({ dataDir, binary: '/bin/false', startTimeoutMs: 2000 }),
    ).rejects.toThrow('redis-server did not start');
  });
});
