import { once } from 'node:events';
import { Redis } from 'ioredis';

/** What Redis's CLIENT LIST says about one connection. */
export interface RedisClientInfo {
  /** The connection's name (`CLIENT SETNAME`), empty when it has none. */
  name: string;
  /** The last command it sent. */
  lastCommand: string;
}

/**
 * Asks the Redis at `host:port` for its CLIENT LIST and returns the entries of the given client
 * addresses (`ip:port` as the client sees its own end). Resolves with an empty map when no
 * Redis answers there within `timeoutMs`: the peer may be another kind of server.
 */
export async function redisClientsAt(
  host: string,
  port: number,
  addresses: readonly string[],
  timeoutMs = 1000,
): Promise<Map<string, RedisClientInfo>> {
  const found = new Map<string, RedisClientInfo>();
  const redis = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectionName: 'tta-test-leak-check',
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const list = (await redis.client('LIST')) as string;
    for (const line of list.split('\n')) {
      const fields = parseClientLine(line);
      const addr = fields.get('addr');
      if (addr !== undefined && addresses.includes(addr)) {
        found.set(addr, { name: fields.get('name') ?? '', lastCommand: fields.get('cmd') ?? '' });
      }
    }
  } catch {
    // Not a Redis, or not answering: the sockets stay described by their addresses.
  } finally {
    await closeQuietly(redis);
  }
  return found;
}

function parseClientLine(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of line.trim().split(' ')) {
    const at = pair.indexOf('=');
    if (at > 0) fields.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return fields;
}

async function closeQuietly(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  const ended = once(redis, 'end');
  redis.disconnect();
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
}
