import { RedisUnavailableError, redisFailure, type RedisClient } from '@tta/core';

/**
 * Runs a read against Redis on the producer connection. It fails fast with
 * {@link RedisUnavailableError} (503) when the connection is not ready, and turns a failure
 * that leaves the connection down into one too; any other error stays what it is (a 500).
 */
export async function withRedis<T>(redis: RedisClient, read: () => Promise<T>): Promise<T> {
  if (redis.status !== 'ready') throw new RedisUnavailableError();
  try {
    return await read();
  } catch (err) {
    throw redisFailure(err, redis);
  }
}

/** Options of {@link assertRedisAnswers}. */
export interface AssertRedisAnswersOptions {
  /** How long PING may take before Redis counts as unavailable. Default: 500 ms. */
  timeoutMs?: number;
}

/** Resolves when Redis answers PING in time; throws {@link RedisUnavailableError} otherwise. */
export async function assertRedisAnswers(
  redis: RedisClient,
  options: AssertRedisAnswersOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 500;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([withRedis(redis, () => redis.ping()), timeout]);
  } catch (err) {
    throw redisFailure(err, redis);
  } finally {
    clearTimeout(timer);
  }
}
