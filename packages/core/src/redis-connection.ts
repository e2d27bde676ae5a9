import { once } from 'node:events';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';
import { redactUrl } from './config/redact-config';

/** What a connection is for; it decides how it behaves while Redis is away. */
export type RedisRole =
  /** Blocking and long-lived users (BullMQ workers, event listeners): retry forever. */
  | 'worker'
  /** Request/response users (the API's producer): fail at once so callers answer 503. */
  | 'producer';

/** Options of {@link createRedisConnection}. */
export interface RedisConnectionOptions {
  /** Redis URL: `redis://[user:password@]host:port[/db]`; `rediss://` turns TLS on. */
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

/** Turns a Redis URL into ioredis options (host, port, db, username, password, TLS). */
export function redisOptionsFromUrl(url: string, tlsRejectUnauthorized = true): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid Redis URL: ${redactUrl(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`invalid Redis URL protocol '${parsed.protocol}': use redis:// or rediss://`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`invalid Redis db '${db}' in URL`);
  const options: RedisOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: db === '' ? 0 : Number(db),
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') {
    options.tls = { rejectUnauthorized: tlsRejectUnauthorized, servername: parsed.hostname };
  }
  return options;
}

/** The one Redis connection factory: every connection of the project comes from here. */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const role = options.role ?? 'worker';
  const base = redisOptionsFromUrl(options.url, options.tlsRejectUnauthorized ?? true);
  const redis = new Redis({
    ...base,
    connectionName: options.name,
    connectTimeout: options.connectTimeoutMs ?? 2000,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
  });
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

/** Resolves `true` once the connection is ready, or `false` after `timeoutMs`. */
export function waitForReady(redis: Redis, timeoutMs: number): Promise<boolean> {
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
export async function closeRedis(redis: Redis): Promise<void> {
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
