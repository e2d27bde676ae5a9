import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findRedisServer, freePort, pingRedis } from '@tta/core';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Append-only persistence with `appendfsync always`, so a restart keeps every acknowledged write. Default: false. */
  appendOnly?: boolean;
  /** How long to wait for the server to answer PING. Default: 10,000 ms. */
  startTimeoutMs?: number;
}

/**
 * A throw-away `redis-server` of one test, which the test may stop and start again on the same
 * port and data directory (to play a Redis restart or outage).
 */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Its data directory (removed by {@link RedisServer.close}). */
  readonly dataDir: string;
  /** Pid of the running server, `undefined` while it is stopped. */
  readonly pid: number | undefined;
  /**
   * Stops the server: `SIGTERM` shuts it down cleanly (the append-only file is flushed);
   * `SIGKILL` kills it on the spot. Resolves once it exited. No-op when it is stopped.
   */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it if it runs and removes its data directory. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts a {@link RedisServer} bound to 127.0.0.1 in a fresh temporary directory. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server not found on PATH');
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tta-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', ''];
  args.push('--appendonly', options.appendOnly ? 'yes' : 'no');
  if (options.appendOnly) args.push('--appendfsync', 'always');
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited = Promise.resolve();
  let closing: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    if (child) return;
    const started = spawn(binary, args, { stdio: 'ignore' });
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
    while (!(await pingRedis(url, 500))) {
      if (started.exitCode !== null || Date.now() > deadline) {
        started.kill('SIGKILL');
        child = undefined;
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const running = child;
    if (!running) return;
    child = undefined;
    if (running.exitCode === null && running.signalCode === null) running.kill(signal);
    await exited;
  };

  await start();
  return {
    url,
    port,
    dataDir,
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    close: () =>
      (closing ??= stop('SIGKILL').then(() => rmSync(dataDir, { recursive: true, force: true }))),
  };
}
