import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ComposeExecutor, createLogger } from '@tta/core';
import winston from 'winston';

// The executor runs whatever `docker` command it is given; these tests give it a script that
// records its arguments, or fails like a Docker CLI without a daemon.
describe('ComposeExecutor', () => {
  let dir: string;
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    transports: [
      new winston.transports.Console({ silent: true }),
      new (class extends winston.transports.Console {
        override log(info: Record<string, unknown>, next: () => void): void {
          lines.push(info);
          next();
        }
      })(),
    ],
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tta-compose-'));
    lines.length = 0;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('builds the exact docker compose command for a decision', () => {
    const executor = new ComposeExecutor({ logger, file: 'docker-compose.yml', project: 'tta' });
    expect(executor.command('narrative-generator', 3).join(' ')).toBe(
      'docker compose -f docker-compose.yml -p tta up -d --no-deps --no-recreate ' +
        '--scale worker-narrative-generator=3 worker-narrative-generator',
    );
  });

  it('only logs the command when it is not told to run it', async () => {
    const executor = new ComposeExecutor({ logger });
    await executor.setReplicas('world-builder', 2);
    expect(executor.actual()).toEqual({ 'world-builder': 2 });
    const logged = lines.find((l) => l.message === 'compose: run this to apply the decision');
    expect(logged?.command).toBe(
      'docker compose up -d --no-deps --no-recreate --scale worker-world-builder=2 worker-world-builder',
    );
  });

  it('runs the command when told to, and counts what it accepted', async () => {
    const record = path.join(dir, 'args');
    const docker = script('docker', `echo "$@" >> ${record}`);
    const executor = new ComposeExecutor({ logger, run: true, docker, service: (t) => `w-${t}` });
    await executor.setReplicas('input-processor', 4);
    expect(readFileSync(record, 'utf8').trim()).toBe(
      'compose up -d --no-deps --no-recreate --scale w-input-processor=4 w-input-processor',
    );
    expect(executor.actual()).toEqual({ 'input-processor': 4 });
  });

  it('fails with compose’s own message and keeps the old count when the command fails', async () => {
    const docker = script('docker', 'echo "Cannot connect to the Docker daemon" >&2; exit 1');
    const executor = new ComposeExecutor({ logger, run: true, docker });
    await expect(executor.setReplicas('world-builder', 2)).rejects.toThrow(
      /scale worker-world-builder=2 .*failed: Cannot connect to the Docker daemon/,
    );
    expect(executor.actual()).toEqual({});
  });
});
