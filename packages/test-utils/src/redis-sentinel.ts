import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer, freePort } from '@tta/core';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for';

/** Options of {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  /** The name the Sentinel monitors the master under. Default: `mymaster`. */
  masterName?: string;
  /** How long the Sentinel may take to know the master. Default: 10,000 ms. */
  startTimeoutMs?: number;
}

/** A throw-away Redis master watched by one local Redis Sentinel. */
export interface LocalRedisSentinel {
  /** Port of the master, on 127.0.0.1. */
  masterPort: number;
  /** Port of the Sentinel, on 127.0.0.1. */
  sentinelPort: number;
  /** The Sentinel URL of this project (`redis+sentinel://127.0.0.1:<sentinel>/<masterName>`). */
  url: string;
  /** Kills both servers and removes their directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server` master (no persistence) and one `redis-server --sentinel`
 * monitoring it with a quorum of 1 (its config in a temporary file, which Sentinel rewrites),
 * and waits until the Sentinel names the master. Throws, leaving nothing running, when
 * `redis-server` is missing or does not start.
 */
export async function startRedisSentinel(
  options: RedisSentinelOptions = {},
): Promise<LocalRedisSentinel> {
  const binary = findRedisServer();
  if (!binary) throw new Error('Redis Sentinel test: redis-server not found on PATH');
  const masterName = options.masterName ?? 'mymaster';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tta-redis-sentinel-'));
  const children: Array<{ child: ChildProcess; exited: Promise<void> }> = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const { child } of children) child.kill('SIGKILL');
      await Promise.all(children.map(({ exited }) => exited));
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    const masterPort = await freePort();
    children.push(
      start(binary, [
        '--port',
        String(masterPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ]),
    );
    const sentinelPort = await freePort();
    const configFile = path.join(dir, 'sentinel.conf');
    writeFileSync(
      configFile,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${masterName} 5000`,
        '',
      ].join('\n'),
    );
    children.push(start(binary, [configFile, '--sentinel']));
    await waitFor(() => masterKnown(sentinelPort, masterName, masterPort), {
      timeoutMs: options.startTimeoutMs ?? 10_000,
      what: `the Sentinel on port ${sentinelPort} to name ${masterName}`,
    });
    const url = `redis+sentinel://127.0.0.1:${sentinelPort}/${masterName}`;
    return { masterPort, sentinelPort, url, stop };
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`Redis Sentinel test: could not start a master and a Sentinel: ${why}`);
  }
}

function start(binary: string, args: string[]): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(binary, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

async function masterKnown(port: number, name: string, masterPort: number): Promise<boolean> {
  const sentinel = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  sentinel.on('error', () => undefined);
  try {
    await sentinel.connect();
    const address = (await sentinel.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)) as
      string[] | null;
    return address?.[1] === String(masterPort);
  } catch {
    return false;
  } finally {
    // disconnect() on a connection that already ended leaves a 2 s timer behind in ioredis.
    if (sentinel.status !== 'end') sentinel.disconnect();
  }
}
