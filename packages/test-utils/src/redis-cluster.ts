import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findRedisServer, freePort, QueueShards } from '@tta/core';
import { Redis } from 'ioredis';
import { uniquePrefix } from './test-redis';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Number of masters (no replicas). Default: 3. */
  masters?: number;
  /** How long the cluster may take to report `cluster_state:ok` on every node. Default: 20,000 ms. */
  startTimeoutMs?: number;
}

/** A throw-away Redis Cluster of local `redis-server` processes. */
export interface LocalRedisCluster {
  /** The ports of the masters, on 127.0.0.1. */
  ports: number[];
  /** The cluster URL of this project (`redis+cluster://127.0.0.1:p1,127.0.0.1:p2,...`). */
  url: string;
  /** Runs `redis-cli -p <port> <args...>` against one node; resolves with its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The port of the master that serves `key`'s slot. */
  masterOf(key: string): Promise<number>;
  /** Keys matching `pattern` (a glob) on the master at `port`. */
  keysOn(port: number, pattern: string): Promise<string[]>;
  /** Kills every node and removes the data directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster of `masters` local nodes on free ports (`redis-server
 * --cluster-enabled yes`, no persistence, data in a fresh temporary directory), joins them with
 * `redis-cli --cluster create` and waits for `cluster_state:ok` on every node. Throws a clear
 * error, and leaves nothing running, when `redis-server` or `redis-cli` is missing or the
 * server has no cluster support.
 */
export async function startRedisCluster(
  options: RedisClusterOptions = {},
): Promise<LocalRedisCluster> {
  const binary = findRedisServer();
  if (!binary) throw new Error('Redis Cluster test: redis-server not found on PATH');
  const sibling = path.join(path.dirname(binary), 'redis-cli');
  const cliBinary = existsSync(sibling) ? sibling : 'redis-cli';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tta-redis-cluster-'));
  const nodes: Array<{ port: number; child: ChildProcess; exited: Promise<void> }> = [];
  const cli = async (port: number, ...args: string[]) =>
    (await run(cliBinary, ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const node of nodes) node.child.kill('SIGKILL');
      await Promise.all(nodes.map((node) => node.exited));
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    for (let i = 0; i < (options.masters ?? 3); i++) {
      nodes.push(await startNode(binary, dir, await freePort()));
    }
    const ports = nodes.map((node) => node.port);
    await Promise.all(ports.map((port) => waitForPing(cli, port)));
    await run(cliBinary, [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitFor(
      async () => {
        const infos = await Promise.all(ports.map((port) => cli(port, 'cluster', 'info')));
        return infos.every((info) => info.includes('cluster_state:ok'));
      },
      { timeoutMs: options.startTimeoutMs ?? 20_000, what: 'cluster_state:ok on every node' },
    );
    const url = `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`;
    const masterOf = (key: string) =>
      withNode(ports[0] as number, async (node) => {
        const slot = Number(await node.cluster('KEYSLOT', key));
        const owner = (await mastersOf(node)).find((m) => m.has(slot));
        if (!owner) throw new Error(`no master serves slot ${slot}`);
        return owner.port;
      });
    const keysOn = async (port: number, pattern: string) =>
      (await cli(port, '--scan', '--pattern', pattern)).split('\n').filter((k) => k !== '');
    return { ports, url, cli, masterOf, keysOn, stop };
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`Redis Cluster test: could not start a local cluster: ${why}`);
  }
}

async function startNode(
  binary: string,
  dir: string,
  port: number,
): Promise<{ port: number; child: ChildProcess; exited: Promise<void> }> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    `nodes-${port}.conf`,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A server without cluster support refuses the option and exits at once.
  const early = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 100)),
  ]);
  if (early) throw new Error(`redis-server exited on port ${port}: ${stderr.trim()}`);
  return { port, child, exited };
}

async function waitForPing(
  cli: (port: number, ...args: string[]) => Promise<string>,
  port: number,
): Promise<void> {
  await waitFor(async () => (await cli(port, 'ping')).trim() === 'PONG', {
    timeoutMs: 10_000,
    what: `redis-server on port ${port}`,
  });
}

/**
 * A unique test prefix (`{test-...}`) whose first `count` shards ({@link QueueShards}) are
 * served by `count` different masters of the cluster, so that a test of several shards
 * spreads over several masters (which the hash tags alone do not promise).
 */
export async function spreadPrefix(cluster: LocalRedisCluster, count: number): Promise<string> {
  return withNode(cluster.ports[0] as number, async (node) => {
    const masters = await mastersOf(node);
    for (let attempt = 0; attempt < 500; attempt++) {
      const prefix = uniquePrefix();
      const shards = new QueueShards(prefix, { count });
      const slots = await Promise.all(
        shards.all.map(async (names) => Number(await node.cluster('KEYSLOT', names.prefix))),
      );
      const owners = new Set(slots.map((slot) => masters.find((m) => m.has(slot))?.port));
      if (owners.size === count) return prefix;
    }
    throw new Error(`no prefix spreads ${count} shards over ${cluster.ports.length} masters`);
  });
}

// A plain connection to one node, for CLUSTER commands.
async function withNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
  try {
    await node.connect();
    return await use(node);
  } finally {
    node.disconnect();
  }
}

async function mastersOf(
  node: Redis,
): Promise<Array<{ port: number; has(slot: number): boolean }>> {
  const ranges = await node.cluster('SLOTS');
  return ranges.map(([from, to, master]) => ({
    port: master?.[1] ?? 0,
    has: (slot) => slot >= from && slot <= to,
  }));
}
