import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import {
  createTestRedis,
  LeakCheck,
  spawnNode,
  TimerTracker,
  testConnectionName,
  type Leak,
} from '@tta/test-utils';

// What the check names, without the count of timers it cannot place: another file's closing
// work in this process may hold one for a moment, while these checks hold things open.
const named = (leaks: Leak[]) =>
  leaks.map((leak) => leak.description).filter((d) => !d.includes('not created through'));

describe('LeakCheck', () => {
  it('names a Redis connection left open, and finds nothing once it is closed', async () => {
    const check = new LeakCheck({ graceMs: 1000 });
    const redis = createTestRedis();
    try {
      await redis.ping();
      expect(named(await check.leaks())).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Redis connection '${testConnectionName()}' \\(last command: ping\\), TCP socket \\S+ -> \\S+$`,
          ),
        ),
      ]);
    } finally {
      await redis.quit();
    }
    expect(await check.leaks()).toEqual([]);
  });

  it('finds a server, a child process and a ref’d timer, and not an unref’d timer', async () => {
    const timers = { setTimeout, setInterval, clearTimeout, clearInterval };
    const tracker = new TimerTracker();
    tracker.install(timers);
    const check = new LeakCheck({ graceMs: 1000, timers: tracker });
    const server = createServer().listen(0, '127.0.0.1');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {
      stdio: 'ignore',
    });
    const interval = timers.setInterval(() => undefined, 60_000);
    const unrefd = timers.setTimeout(() => undefined, 60_000).unref();
    try {
      await once(server, 'listening');
      expect(named(await check.leaks()).sort()).toEqual([
        `child process ${child.pid}: ${process.execPath} -e setTimeout(() => {}, 30000)`,
        expect.stringMatching(/^interval of 60000 ms created in .*leak-check\.int\.test\.ts:\d+/),
        `server listening on 127.0.0.1:${(server.address() as AddressInfo).port}`,
      ]);
    } finally {
      timers.clearInterval(interval);
      timers.clearTimeout(unrefd);
      server.close();
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(await check.leaks()).toEqual([]);
  });
});

describe('the leak check of the integration project', () => {
  it('fails a test file that leaves things open, naming them, and passes one that closes them in afterAll', async () => {
    const jest = spawnNode(
      'node_modules/jest/bin/jest.js',
      [
        '--selectProjects',
        'integration',
        '--testMatch',
        '**/test/fixtures/*.fixture.ts',
        '--ci',
        'packages/test-utils/test/fixtures',
      ],
      {},
    );
    expect(await jest.exited).toBe(1);
    const output = jest.output();
    expect(output).toContain(
      'FAIL integration packages/test-utils/test/fixtures/leaky-file.fixture.ts',
    );
    expect(output).toMatch(/leaky-file\.fixture\.ts left \d thing\(s\) open/);
    expect(output).toContain(
      "Redis connection 'tta-test:leaky-file.fixture.ts' (last command: ping)",
    );
    expect(output).toMatch(/server listening on 127\.0\.0\.1:\d+/);
    expect(output).toContain(
      'interval of 60000 ms created in packages/test-utils/test/fixtures/leaky-file.fixture.ts:15',
    );
    expect(output).toContain(
      'PASS integration packages/test-utils/test/fixtures/tidy-file.fixture.ts',
    );
  }, 60_000);
});
