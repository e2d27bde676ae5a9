import { Redis } from 'ioredis';

/**
 * Fails the integration run at once, with one clear line, when the test Redis does not answer
 * (`.ci/run` and `npm test` start one when none is running).
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(`integration tests need Redis at ${url}: start redis-server or set REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}
