import { freePort, type QueueNames } from '@tta/core';
import { TtaClient, type Agent, type Task } from '@tta/client';
import {
  createTestRedis,
  deletePrefix,
  isAlive,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

// The README's quick start: `npm start` runs the API, the supervisor and one worker per agent
// type; a task posted to the API comes back completed. It is not one failure domain: a crashed
// API is restarted while the rest runs on, and when the launcher is killed its children go too.
describe('npm start', () => {
  let redis: Redis;
  let names: QueueNames;
  let system: TestProcess | undefined;

  beforeAll(() => {
    redis = createTestRedis();
    names = uniqueNames();
  });

  afterEach(async () => {
    system?.signal('SIGKILL');
    await system?.exited;
    await deletePrefix(redis, names.prefix);
  });

  afterAll(() => redis.quit());

  /** Runs `npm start` on a free port and waits for its three agents; answers its client. */
  async function startSystem(): Promise<{ client: TtaClient; agents: Agent[]; port: number }> {
    const port = await freePort();
    system = spawnNode('scripts/start.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      PORT: String(port),
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
    });
    // In development and test, with no keys configured, the API takes the README's dev key.
    const client = new TtaClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 2000,
      apiKey: 'tta-dev-key',
    });
    const proc = system;
    const agents = await waitFor(
      async () => {
        const list = await client.agents({ status: 'ready' }).catch(() => []);
        return list.length === 3 ? list : undefined;
      },
      { timeoutMs: 30_000, what: `three live agents\n${proc.output()}` },
    );
    return { client, agents, port };
  }

  /** Pids the launcher said it started `name` with, in order. */
  function startedPids(name: string): number[] {
    const pattern = new RegExp(`\\[start\\] ${name} started \\(pid (\\d+)\\)`, 'g');
    return [...(system?.output() ?? '').matchAll(pattern)].map((m) => Number(m[1]));
  }

  it('serves three live agents within 30 s, runs tasks and player turns, and stops cleanly on Ctrl-C', async () => {
    const started = Date.now();
    const { client, agents } = await startSystem();
    expect(Date.now() - started).toBeLessThan(30_000);
    if (!system) throw new Error('not started');
    expect(system.output()).toContain('NO API KEYS CONFIGURED: using the development key');
    expect(agents.map((a) => a.type).sort()).toEqual([
      'input-processor',
      'narrative-generator',
      'world-builder',
    ]);

    const accepted = await client.enqueue({
      capability: 'narrative.generate',
      input: { text: 'I look around the meadow' },
      sessionId: 'quick-start',
    });
    const task = await waitFor<Task>(
      async () => {
        const t = await client.task(accepted.id);
        return t.status === 'completed' || t.status === 'failed' ? t : undefined;
      },
      { timeoutMs: 10_000, what: 'the task to finish' },
    );
    expect(task.status).toBe('completed');
    expect((task.result as { passage: string }).passage.length).toBeGreaterThan(20);

    const later = await client.enqueue({
      capability: 'narrative.generate',
      input: { text: 'I wait by the lake' },
      delayMs: 60_000,
    });
    expect(await client.cancel(later.id, 'changed my mind')).toEqual({
      id: later.id,
      status: 'cancelled',
    });
    expect(await client.task(later.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'changed my mind',
    });

    // A player's turn through the workflow engine, followed over server-sent events.
    const turn = await client.startRun('player-turn', {
      sessionId: 'quick-start',
      input: { text: 'go north' },
    });
    const seen: string[] = [];
    const stages: unknown[] = [];
    let final: unknown;
    for await (const event of client.events(`/v1/workflow-runs/${turn.id}/events`)) {
      seen.push(event.event);
      final = event.data;
      if (event.event === 'snapshot' || event.event === 'stage') {
        stages.push((event.data as { stage?: unknown }).stage);
      }
    }
    expect(seen[0]).toBe('snapshot');
    expect(seen.at(-1)).toBe('completed');
    // A stage that began before the stream subscribed shows in the snapshot instead.
    expect([...new Set(stages.filter((stage) => stage !== undefined))]).toEqual([
      'understand',
      'world',
      'narrate',
    ]);
    const result = (final as { result: { narrative: string; world: { location: string } } }).result;
    expect(result.world.location).toBe('lakeside');
    expect(result.narrative.toLowerCase()).toContain('lake');

    // A crisis ends the turn after the input processor, with support and resources.
    const crisis = await client.startRun('player-turn', {
      sessionId: 'quick-start-2',
      input: { text: 'I want to kill myself' },
    });
    const crisisView = await waitFor(
      async () => {
        const view = await client.run(crisis.id);
        return view.status === 'completed' ? view : undefined;
      },
      { timeoutMs: 10_000, what: 'the crisis turn to end' },
    );
    expect(crisisView).toMatchObject({ outcome: 'crisis' });
    expect(Object.keys(crisisView.steps).sort()).toEqual(['parse', 'safety']);

    system.signal('SIGINT');
    expect(await system.exited).toBe(0);
    for (const agent of agents) expect(isAlive(agent.pid)).toBe(false);
  });

  it('restarts a SIGKILLed API, and its children exit when it is SIGKILLed', async () => {
    const { agents, port } = await startSystem();
    if (!system) throw new Error('not started');
    const healthy = async () =>
      (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok;
    const [api] = startedPids('api');
    const [supervisor] = startedPids('supervisor');
    if (api === undefined || supervisor === undefined) throw new Error(system.output());

    process.kill(api, 'SIGKILL');
    const restarted = await waitFor(
      async () => {
        const pids = startedPids('api');
        return pids.length === 2 && (await healthy()) ? pids[1] : undefined;
      },
      { timeoutMs: 20_000, what: `the API restarted and healthy\n${system.output()}` },
    );
    expect(restarted).not.toBe(api);
    expect(system.output()).toMatch(/\[start\] api crashed \(SIGKILL\): restarting it in 500 ms/);
    // The rest ran on: the same supervisor and agents.
    expect(startedPids('supervisor')).toEqual([supervisor]);
    expect(agents.every((a) => isAlive(a.pid))).toBe(true);

    system.signal('SIGKILL');
    await system.exited;
    const killedAt = Date.now();
    const children = [restarted, supervisor, ...agents.map((a) => a.pid)];
    await waitFor(() => children.every((pid) => !isAlive(pid)) || undefined, {
      timeoutMs: 10_000,
      what: `every child to exit: still alive ${children.filter(isAlive).join(', ')}`,
    });
    // Within a few seconds: each child shuts down gracefully once its parent's channel closes.
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  });
});
