import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import type { RedisClient } from './redis-connection';
import { redisTargetFromUrl } from './redis-url';

/** Options of {@link startLocalRedis}. */
export interface LocalRedisOptions {
  /** Directory of the server's data (append-only file). Created if missing. */
  dataDir: string;
  /** Port to listen on; 0 picks a free one. Default: 0. */
  port?: number;
  /** Turn on append-only persistence. Default: true. */
  appendOnly?: boolean;
  /** Path of the `redis-server` binary. Default: found on PATH. */
  binary?: string;
  /** How long to wait for the server to answer. Default: 10,000 ms. */
  startTimeoutMs?: number;
}

/** A `redis-server` this process started. */
export interface LocalRedis {
  url: string;
  port: number;
  pid: number;
  /** Shuts the server down (persisting its append-only file) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Whether Redis answers PING at `url` (any form {@link createRedisConnection} takes: one
 * server, a cluster, a Sentinel master) within `timeoutMs`. `false` for a URL it cannot read.
 */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  let redis: RedisClient;
  try {
    redis = pingClient(url, timeoutMs);
  } catch {
    return false;
  }
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    // disconnect() on a connection that already ended leaves a 2 s timer behind in ioredis,
    // which keeps a short-lived process (or jest) alive after a failed ping.
    if (redis.status !== 'end') redis.disconnect();
  }
}

// A connection that tries once: no retries, no offline queue.
function pingClient(url: string, timeoutMs: number): RedisClient {
  const target = redisTargetFromUrl(url);
  const once = { connectTimeout: timeoutMs, maxRetriesPerRequest: 0 };
  if (target.mode === 'cluster') {
    return new Cluster(target.nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: () => null,
      redisOptions: { ...target.options, ...once },
    });
  }
  return new Redis({
    ...target.options,
    ...once,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
  });
}

/** The path of `redis-server` on PATH, or `undefined`. */
export function findRedisServer(envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a `redis-server` child process bound to 127.0.0.1 and waits until it answers. */
export async function startLocalRedis(options: LocalRedisOptions): Promise<LocalRedis> {
  const binary = options.binary ?? findRedisServer();
  if (!binary) throw new Error('redis-server not found on PATH');
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port || (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dataDir];
  args.push('--appendonly', options.appendOnly === false ? 'no' : 'yes', '--save', '');
  const child = spawn(binary, args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (!(await pingRedis(url, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, port, pid: child.pid ?? 0, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
