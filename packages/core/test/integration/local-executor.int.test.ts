import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import winston from 'winston';
import { createLogger, LocalExecutor, type LocalExecutorOptions } from '@tta/core';
import { once, waitFor } from '@tta/test-utils';

const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });

/** Stays up until SIGTERM, marking when it is ready and when it stopped gracefully. */
const STAYS_UP = `
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
process.on('SIGTERM', () => {
  fs.writeFileSync(path.join(dir, process.pid + '.term'), '');
  process.exit(0);
});
setInterval(() => undefined, 60000);
fs.writeFileSync(path.join(dir, process.pid + '.ready'), '');
`;

/** Crashes as soon as it starts. */
const CRASHES = `process.exit(1);`;

/** Finishes by itself once, like a drained worker (exit 0); the next one stays up. */
const DRAINS_ONCE = `
const fs = require('node:fs');
const path = require('node:path');
const marker = path.join(process.argv[2], 'drained-once');
if (!fs.existsSync(marker)) {
  fs.writeFileSync(marker, '');
  process.exit(0);
}
process.on('SIGTERM', () => process.exit(0));
setInterval(() => undefined, 60000);
fs.writeFileSync(path.join(process.argv[2], process.pid + '.ready'), '');
`;

/** Ignores SIGTERM: only SIGKILL stops it. */
const IGNORES_SIGTERM = `
const fs = require('node:fs');
const path = require('node:path');
process.on('SIGTERM', () => undefined);
setInterval(() => undefined, 60000);
fs.writeFileSync(path.join(process.argv[2], process.pid + '.ready'), '');
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('LocalExecutor', () => {
  let dir: string;
  const executors: LocalExecutor[] = [];

  /** An executor whose agent types are the scripts above. */
  function executor(options: Partial<LocalExecutorOptions> = {}): LocalExecutor {
    const scripts: Record<string, string> = {
      stays: STAYS_UP,
      crashes: CRASHES,
      stubborn: IGNORES_SIGTERM,
      drains: DRAINS_ONCE,
    };
    for (const [name, source] of Object.entries(scripts)) {
      writeFileSync(path.join(dir, `${name}.js`), source);
    }
    const ex = new LocalExecutor({
      command: (agentType) => ({
        file: process.execPath,
        args: [path.join(dir, `${agentType}.js`), dir],
      }),
      logger,
      restartBackoffMs: 50,
      ...options,
    });
    executors.push(ex);
    return ex;
  }

  function ready(pids: number[]): Promise<boolean> {
    return waitFor(() => pids.every((pid) => existsSync(path.join(dir, `${pid}.ready`))), {
      timeoutMs: 10_000,
      what: `workers ${pids.join(', ')} to be ready`,
    });
  }

  function stoppedGracefully(pid: number): boolean {
    return existsSync(path.join(dir, `${pid}.term`));
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-executor-'));
  });

  afterEach(async () => {
    await Promise.all(executors.splice(0).map((ex) => ex.stopAll()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the requested number of worker processes', async () => {
    const ex = executor();
    const spawned: Array<[string, number]> = [];
    ex.on('spawned', (type, pid) => spawned.push([type, pid]));
    await ex.setReplicas('stays', 3);
    const pids = ex.pids('stays');
    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(3);
    expect(spawned).toEqual(pids.map((pid) => ['stays', pid]));
    expect(pids.every(isAlive)).toBe(true);
    expect(ex.actual()).toEqual({ stays: 3 });
    await ready(pids);
    // Asking again for the same number starts nothing.
    await ex.setReplicas('stays', 3);
    expect(ex.pids('stays')).toEqual(pids);
  });

  it('scales down by stopping workers gracefully', async () => {
    const ex = executor();
    const crashed = jest.fn();
    ex.on('crashed', crashed);
    await ex.setReplicas('stays', 3);
    const before = ex.pids('stays');
    await ready(before);
    await ex.setReplicas('stays', 1);
    const after = ex.pids('stays');
    expect(after).toHaveLength(1);
    expect(ex.actual()).toEqual({ stays: 1 });
    const stopped = before.filter((pid) => !after.includes(pid));
    expect(stopped).toHaveLength(2);
    for (const pid of stopped) {
      expect(isAlive(pid)).toBe(false);
      expect(stoppedGracefully(pid)).toBe(true);
    }
    expect(isAlive(after[0]!)).toBe(true);
    expect(crashed).not.toHaveBeenCalled();
  });

  it('restarts a killed worker after the backoff, with a new pid', async () => {
    const ex = executor();
    await ex.setReplicas('stays', 1);
    const [pid] = ex.pids('stays');
    await ready([pid!]);
    const crashed = new Promise<unknown[]>((resolve) =>
      ex.once('crashed', (...args) => resolve(args)),
    );
    const restarting = new Promise<unknown[]>((resolve) =>
      ex.once('restarting', (...args) => resolve(args)),
    );
    const spawned = new Promise<number>((resolve) => ex.once('spawned', (_t, p) => resolve(p)));
    const killedAt = Date.now();
    process.kill(pid!, 'SIGKILL');
    expect(await crashed).toEqual(['stays', null, 'SIGKILL']);
    expect(await restarting).toEqual(['stays', 50]);
    const newPid = await spawned;
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(45);
    expect(newPid).not.toBe(pid);
    expect(isAlive(newPid)).toBe(true);
    expect(ex.pids('stays')).toEqual([newPid]);
    expect(ex.actual()).toEqual({ stays: 1 });
  });

  it('backs off a worker that crashes at once, then waits out the restart window', async () => {
    const ex = executor({ restartLimit: 3, restartWindowMs: 2000, restartBackoffMs: 50 });
    const delays: number[] = [];
    const types = new Set<string>();
    const fourth = new Promise<number>((resolve) => {
      ex.on('restarting', (type, delayMs) => {
        types.add(type);
        delays.push(delayMs);
        if (delays.length === 4) resolve(Date.now());
      });
    });
    const codes: Array<number | null> = [];
    ex.on('crashed', (_type, code) => codes.push(code));
    await ex.setReplicas('crashes', 1);
    const fourthAt = await fourth;
    expect([...types]).toEqual(['crashes']);
    expect(delays.slice(0, 3)).toEqual([50, 100, 200]);
    // The limit is reached: the delay jumps from the next backoff (400) to the rest of the window.
    expect(delays[3]).toBeGreaterThan(1000);
    expect(delays[3]).toBeLessThanOrEqual(2000);
    expect(codes.every((code) => code === 1)).toBe(true);
    // Nothing is started until that delay has passed.
    await once(ex, 'spawned', 5000);
    expect(Date.now() - fourthAt).toBeGreaterThanOrEqual(delays[3]! - 20);
    expect(delays).toHaveLength(4);
  });

  it('stops every worker on stopAll and starts none after it', async () => {
    const ex = executor();
    await ex.setReplicas('stays', 2);
    await ex.setReplicas('crashes', 1);
    const pids = ex.pids('stays');
    await ready(pids);
    await ex.stopAll();
    for (const pid of pids) {
      expect(isAlive(pid)).toBe(false);
      expect(stoppedGracefully(pid)).toBe(true);
    }
    expect(ex.actual()).toEqual({});
    const spawned = jest.fn();
    ex.on('spawned', spawned);
    await ex.setReplicas('stays', 2);
    expect(spawned).not.toHaveBeenCalled();
    expect(ex.pids('stays')).toEqual([]);
  });

  it('kills a worker that ignores SIGTERM after stopTimeoutMs', async () => {
    const ex = executor({ stopTimeoutMs: 300 });
    await ex.setReplicas('stubborn', 1);
    const [pid] = ex.pids('stubborn');
    await ready([pid!]);
    const started = Date.now();
    await ex.stopAll();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(isAlive(pid!)).toBe(false);
  });

  it('replaces a worker that exited 0 (drained) at once, without counting a crash', async () => {
    const ex = executor({ restartBackoffMs: 5000 });
    const recycled = once(ex, 'recycled');
    let crashes = 0;
    ex.on('crashed', () => (crashes += 1));
    const t0 = Date.now();
    await ex.setReplicas('drains', 1);
    await recycled;
    await waitFor(() => ex.pids('drains').length === 1 && ex.actual().drains === 1, {
      what: 'the fresh worker',
    });
    await ready(ex.pids('drains'));
    // Well before the 5 s crash backoff: it was not treated as a crash.
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(crashes).toBe(0);
  });
});
