import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcessLauncher, type ProcessLauncherOptions } from '@tta/core';
import { isAlive, waitFor } from '@tta/test-utils';

/** Stays up until SIGTERM. */
const STAYS_UP = `process.on('SIGTERM', () => process.exit(0)); setInterval(() => undefined, 60000);`;

describe('ProcessLauncher', () => {
  let dir: string;
  const launchers: ProcessLauncher[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tta-launcher-'));
  });

  afterEach(async () => {
    await Promise.all(launchers.splice(0).map((l) => l.stop()));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, source: string): string {
    const file = path.join(dir, `${name}.js`);
    writeFileSync(file, source);
    return file;
  }

  function launcher(processes: ProcessLauncherOptions['processes'], extra = {}) {
    const l = new ProcessLauncher({
      processes,
      backoff: { backoffMs: 20, limit: 3, windowMs: 60_000 },
      stopTimeoutMs: 5000,
      ...extra,
    });
    const log: string[] = [];
    l.on('started', (name) => log.push(`started ${name}`));
    l.on('restarting', (name, exit, delayMs) => log.push(`restarting ${name} ${exit} ${delayMs}`));
    const gaveUp = new Promise<[string, string]>((resolve) =>
      l.on('gaveUp', (name, reason) => resolve([name, reason])),
    );
    launchers.push(l);
    return { l, log, gaveUp };
  }

  it('restarts a killed process with backoff, and stops all on stop()', async () => {
    const { l, log } = launcher({
      a: { file: script('a', STAYS_UP) },
      b: { file: script('b', STAYS_UP) },
    });
    l.start();
    const first = await waitFor(() => l.pids().a, { what: 'a to start' });
    process.kill(first, 'SIGKILL');
    const second = await waitFor(() => (l.pids().a !== first ? l.pids().a : undefined), {
      what: 'a to restart',
    });
    expect(log).toContain('restarting a SIGKILL 20');
    const b = l.pids().b as number;
    await l.stop();
    expect([second, b].filter(isAlive)).toEqual([]);
  });

  it('gives up on a process that keeps crashing fast, with the reason, and leaves the others', async () => {
    const { l, log, gaveUp } = launcher({
      crashes: { file: script('crashes', 'process.exit(1);') },
      stays: { file: script('stays', STAYS_UP) },
    });
    l.start();
    const [name, reason] = await gaveUp;
    expect(name).toBe('crashes');
    expect(reason).toBe('crashes crashed 4 times within 60 s (last: exit code 1): giving up');
    expect(log.filter((line) => line.startsWith('restarting crashes'))).toEqual([
      'restarting crashes exit code 1 20',
      'restarting crashes exit code 1 40',
      'restarting crashes exit code 1 80',
    ]);
    expect(l.pids().stays).toEqual(expect.any(Number));
  });

  it('does not restart a process that exits with a fatal code (an invalid configuration)', async () => {
    const { l, log, gaveUp } = launcher({ bad: { file: script('bad', 'process.exit(2);') } });
    l.start();
    expect(await gaveUp).toEqual(['bad', 'bad exited with exit code 2: not restarting it']);
    expect(log).toEqual(['started bad']);
  });
});
