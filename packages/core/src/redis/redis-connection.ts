import { once } from 'node:events';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../telemetry/logger';
import { redactUrl } from '../config/redact-config';
import { redisTargetFromUrl, type RedisTarget } from './redis-url';

/**
 * A connection of the project: to one Redis server (directly, or to the master Redis Sentinel
 * names) or to a Redis Cluster. Both take the same commands; on a cluster, the keys of one
 * command, transaction or pipeline must share a hash slot, which the shard prefixes see to.
 */
export type RedisClient = Redis | Cluster;

/** What a connection is for; it decides how it behaves while Redis is away. */
export type RedisRole =
  /** Blocking and long-lived users (BullMQ workers, event listeners): retry forever. */
  | 'worker'
  /** Request/response users (the API's producer): fail at once so callers answer 503. */
  | 'producer';

/** Options of {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /**
   * Redis URL: `redis://[user:password@]host:port[/db]` (`rediss://` turns TLS on),
   * `redis+cluster://host:port[,host:port...]` for a Redis Cluster, or
   * `redis+sentinel://host:port[,host:port...]/<masterName>[/db]` for Redis Sentinel (see
   * {@link redisTargetFromUrl}).
   */
  url: string;
  /** What the connection is for. Default: `'worker'`. */
  role?: RedisRole;
  /** With TLS, whether to verify the server certificate. Default: `true`. */
  tlsRejectUnauthorized?: boolean;
  /** Time allowed to connect. Default: 2000 ms. */
  connectTimeoutMs?: number;
  /** Connection name shown by CLIENT LIST. */
  name?: string;
  /** Receives connection errors (every connection gets a listener). */
  logger?: Logger;
}

const retryDelayMs = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000);

/**
 * The one Redis connection factory: every connection of the project comes from here. A
 * `redis+cluster://` URL gives an ioredis `Cluster`, any other an ioredis `Redis` (through
 * Sentinel for `redis+sentinel://`).
 */
export function createRedisConnection(options: RedisConnectionOptions): RedisClient {
  const role = options.role ?? 'worker';
  const target = redisTargetFromUrl(options.url, options.tlsRejectUnauthorized ?? true);
  const node: RedisOptions = {
    ...target.options,
    connectionName: options.name,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    // A producer (the API) sends many small commands from concurrent requests: ioredis then
    // writes those of one event-loop tick together, one socket write instead of one each.
    ...(role === 'producer' && { enableAutoPipelining: true }),
  };
  const redis = clientOf(target, node, role);
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // One line per few seconds is enough while Redis is down.
    const now = Date.now();
    if (now - lastLogged < 5000) return;
    lastLogged = now;
    options.logger?.warn('redis connection error', {
      error: err.message,
      redis: redactUrl(options.url),
      connection: options.name,
    });
  });
  return redis;
}

function clientOf(target: RedisTarget, node: RedisOptions, role: RedisRole): RedisClient {
  if (target.mode === 'cluster') {
    // A node connection queues while it (re)connects; the cluster as a whole fails fast for a
    // producer, as a single connection does.
    return new Cluster(target.nodes, {
      redisOptions: node,
      enableOfflineQueue: role === 'worker',
      clusterRetryStrategy: retryDelayMs,
    });
  }
  return new Redis({
    ...node,
    enableOfflineQueue: role === 'worker',
    retryStrategy: retryDelayMs,
    ...(target.mode === 'sentinel' && { sentinelRetryStrategy: retryDelayMs }),
  });
}

/** What {@link duplicateRedis} may change of a connection's behaviour. */
export type RedisDuplicateOptions = Pick<
  RedisOptions,
  'enableOfflineQueue' | 'maxRetriesPerRequest' | 'connectionName'
>;

/**
 * A new connection to the same Redis as `redis` (same server, Sentinels or cluster nodes, same
 * options), with `overrides` of its behaviour: for subscribers and blocking readers. It has no
 * `error` listener yet: the caller adds one.
 */
export function duplicateRedis(
  redis: RedisClient,
  overrides: RedisDuplicateOptions = {},
): RedisClient {
  if (redis instanceof Cluster) {
    const { enableOfflineQueue, ...node } = overrides;
    return redis.duplicate([], {
      ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
      redisOptions: { ...redis.options.redisOptions, ...node },
    });
  }
  return redis.duplicate(overrides);
}

/** Resolves `true` once the connection is ready, or `false` after `timeoutMs`. */
export function waitForReady(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once('ready', onReady);
  });
}

/** Closes a connection: QUIT when it is up, a plain disconnect when it is not. */
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit();
    return;
  }
  if (redis.status === 'end') return;
  // ioredis arms a 2 s timer when it disconnects between reconnection attempts; ending the
  // connection while an attempt is in flight leaves nothing behind.
  if (redis.status === 'reconnecting') await once(redis, 'connecting');
  redis.disconnect();
}
