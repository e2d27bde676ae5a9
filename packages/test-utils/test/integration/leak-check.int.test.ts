import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import {
  createTestRedis,
  LeakCheck,
  spawnNode,
  TimerTracker,
  testConnectionName,
  type Leak,
} from '@tta/test-utils';

const kinds = (leaks: Leak[]) => leaks.map((leak) => leak.kind).sort();

describe('LeakCheck', () => {
  it('names a Redis connection left open, and finds nothing once it is closed', async () => {
    const check = new LeakCheck({ graceMs: 300 });
    const redis = createTestRedis();
    await redis.ping();
    const leaks = await check.leaks();
    expect(kinds(leaks)).toEqual(['socket']);
    expect(leaks[0]?.description).toMatch(
      new RegExp(
        `^Redis connection '${testConnectionName()}' \\(last command: ping\\), TCP socket`,
      ),
    );
    await redis.quit();
    expect(await check.leaks()).toEqual([]);
  });

  it('finds a server, a child process and a ref’d timer, and not an unref’d timer', async () => {
    const timers = { setTimeout, setInterval, clearTimeout, clearInterval };
    const tracker = new TimerTracker();
    tracker.install(timers);
    const check = new LeakCheck({ graceMs: 300, timers: tracker });
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {
      stdio: 'ignore',
    });
    const interval = timers.setInterval(() => undefined, 60_000);
    const unrefd = timers.setTimeout(() => undefined, 60_000).unref();

    const leaks = await check.leaks();
    expect(kinds(leaks)).toEqual(['child process', 'server', 'timer']);
    const described = leaks.map((leak) => leak.description).join('\n');
    expect(described).toContain(`child process ${child.pid}: ${process.execPath} -e`);
    expect(described).toMatch(/server listening on 127\.0\.0\.1:\d+/);
    expect(described).toMatch(/interval of 60000 ms created in .*leak-check\.int\.test\.ts:\d+/);

    timers.clearInterval(interval);
    timers.clearTimeout(unrefd);
    server.close();
    child.kill('SIGKILL');
    await once(child, 'exit');
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
    expect(output).toContain('leaky-file.fixture.ts left 3 thing(s) open');
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
