import { freePort, type QueueNames } from '@tta/core';
import { TtaClient } from '@tta/client';
import {
  createTestRedis,
  deletePrefix,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { tta } from '../../packages/client/test/support/spawn-tta';

const DEV_KEY = 'tta-dev-key';

// The `tta` command against the whole system, as `npm start` runs it.
describe('tta against npm start', () => {
  let redis: Redis;
  let names: QueueNames;
  let system: TestProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let client: TtaClient;

  beforeAll(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    const port = await freePort();
    system = spawnNode('scripts/start.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      PORT: String(port),
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
    });
    const url = `http://127.0.0.1:${port}`;
    env = { TTA_URL: url, TTA_API_KEY: DEV_KEY };
    client = new TtaClient({ baseUrl: url, apiKey: DEV_KEY, timeoutMs: 2000 });
    const running = system;
    await waitFor(
      async () => ((await client.agents({ status: 'ready' })).length === 3 ? true : undefined),
      { timeoutMs: 30_000, what: 'three live agents' },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${running.output()}`);
    });
  });

  afterAll(async () => {
    system?.signal('SIGINT');
    await system?.exited;
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('enqueue --wait prints the passage and exits 0', async () => {
    const outcome = await tta(
      ['enqueue', 'narrative.generate', '--input', '{"text":"look"}', '--wait'],
      env,
    );
    expect(outcome).toMatchObject({ code: 0 });
    expect(outcome.stdout.trim().length).toBeGreaterThan(20);
    expect(outcome.stderr).toContain('completed');
  });

  it('watch follows a task from the queue to its end', async () => {
    const accepted = await client.enqueue({
      capability: 'narrative.generate',
      input: { text: 'I look at the lake' },
      delayMs: 1000,
    });
    const outcome = await tta(['watch', accepted.id], env);
    expect(outcome.code).toBe(0);
    expect(outcome.stderr.split('\n')[0]).toBe(`task narrative.generate ${accepted.id}: queued`);
    expect(outcome.stderr).toContain('\nactive\n');
    expect(outcome.stdout).toBe(
      `${((await client.task(accepted.id)).result as { passage: string }).passage}\n`,
    );
  });

  it('workflow run --watch plays a turn and prints its narrative', async () => {
    const outcome = await tta(
      ['workflow', 'run', 'player-turn', '--session', 'cli-1', '--text', 'go north', '--watch'],
      env,
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.toLowerCase()).toContain('lake');
    // The run may be under way when the stream opens: the snapshot lists the steps so far.
    expect(outcome.stderr).toMatch(/^run player-turn workflow~\S+: (queued|running|completed)/);
    for (const step of ['safety', 'parse', 'world', 'narrate']) {
      expect(outcome.stderr).toMatch(new RegExp(`\\n  step ${step}: completed`));
    }
    expect(outcome.stderr.trimEnd().split('\n').at(-1)).toBe('completed');
  });

  it('agents prints the live agents as a table', async () => {
    const outcome = await tta(['agents', '--status', 'ready'], env);
    expect(outcome.code).toBe(0);
    const lines = outcome.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TYPE\s+STATUS/);
    expect(
      lines
        .slice(1)
        .map((line) => line.split(/\s+/)[1])
        .sort(),
    ).toEqual(['input-processor', 'narrative-generator', 'world-builder']);
  });

  it('exits 3 with one line when the key is wrong', async () => {
    const outcome = await tta(['agents', '--key', 'not-a-key'], env);
    expect(outcome.code).toBe(3);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toMatch(/^tta: 401 unauthenticated: [^\n]+\n$/);
  });
});
