import { randomUUID } from 'node:crypto';
import { TtaClient, type Task, type WorkflowRun } from '@tta/client';
import {
  closeRedis,
  createRedisConnection,
  DeadLetterQueue,
  freePort,
  QueueShards,
  TaskId,
  type QueueNames,
  type RedisClient,
} from '@tta/core';
import {
  deletePrefix,
  spawnNode,
  spreadPrefix,
  startRedisCluster,
  waitFor,
  type LocalRedisCluster,
  type TestProcess,
} from '@tta/test-utils';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Cluster } from 'ioredis';

const SHARDS = 3;
const FINAL_TASK: ReadonlyArray<Task['status']> = ['completed', 'failed', 'cancelled', 'dead'];
const FINAL_RUN: ReadonlyArray<WorkflowRun['status']> = ['completed', 'failed', 'cancelled'];

let cluster: LocalRedisCluster;

beforeAll(async () => {
  // No skip: a redis-server without cluster support fails here, naming why.
  cluster = await startRedisCluster({ masters: 3 });
}, 30_000);

afterAll(async () => {
  await cluster?.stop();
});

// The whole system (`npm start`: API, supervisor, one worker per agent type) on a real Redis
// Cluster of three masters, with three shards placed on three different masters.
describe('on a Redis Cluster of three masters, with three shards', () => {
  let prefix: string;
  let shards: QueueShards;
  let system: TestProcess | undefined;
  let client: TtaClient;
  let baseUrl: string;

  beforeAll(async () => {
    prefix = await spreadPrefix(cluster, SHARDS);
    shards = new QueueShards(prefix, { count: SHARDS });
    const port = await freePort();
    system = spawnNode('scripts/start.js', [], {
      REDIS_URL: cluster.url,
      TTA_REDIS_PREFIX: prefix,
      TTA_REDIS_SHARDS: String(SHARDS),
      PORT: String(port),
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_LOG_LEVEL: 'info',
      // The tests send bursts (a batch costs a point per task): this file is about shards.
      TTA_RATE_LIMIT_POINTS: '100000',
    });
    baseUrl = `http://127.0.0.1:${port}`;
    client = new TtaClient({
      baseUrl,
      timeoutMs: 5000,
      apiKey: 'tta-dev-key',
    });
    await waitFor(async () => (await client.agents({ status: 'ready' })).length === 3, {
      timeoutMs: 45_000,
      what: `three live agents on the cluster\n${system.output()}`,
    });
  }, 90_000);

  afterAll(async () => {
    system?.signal('SIGKILL');
    await system?.exited;
  });

  const output = () => system?.output() ?? '';

  it('builds a Cluster connection from a redis+cluster:// URL, failing fast as a producer', async () => {
    const producer = createRedisConnection({ url: cluster.url, role: 'producer' });
    try {
      expect(producer).toBeInstanceOf(Cluster);
      expect((producer as Cluster).options.enableOfflineQueue).toBe(false);
      await waitFor(() => producer.status === 'ready', { what: 'the cluster connection' });
      // Keys of one shard share a slot, so a transaction over them is allowed.
      const key = (name: string) => shards.of(1).key('probe', randomUUID(), name);
      const [a, b] = [key('a'), key('b')];
      await producer.multi().set(a, '1', 'PX', 60_000).set(b, '2', 'PX', 60_000).exec();
      expect(await producer.mget(a, b)).toEqual(['1', '2']);
      await producer.del(a, b);
    } finally {
      await closeRedis(producer);
    }
  });

  it('runs tasks of many sessions, each on its session shard, and tasks without one on every shard', async () => {
    const sessions = Array.from({ length: 12 }, (_, i) => `cluster-${i}-${randomUUID()}`);
    const withSession = await Promise.all(
      sessions.flatMap((sessionId) => [
        client.enqueue({
          capability: 'world.update',
          input: { text: 'go north' },
          sessionId,
        }),
        client.enqueue({
          capability: 'narrative.generate',
          input: { text: 'I look around the meadow' },
          sessionId,
        }),
      ]),
    );
    for (const [i, task] of withSession.entries()) {
      const sessionId = sessions[Math.floor(i / 2)] as string;
      expect(TaskId.parse(task.id)?.shard).toBe(shards.forSession(sessionId).shard);
    }
    const batch = await client.enqueueBatch(
      Array.from({ length: 9 }, (_, i) => ({
        capability: 'input.parse',
        input: { text: `take the lantern ${i}` },
      })),
    );
    expect(new Set(batch.map((t) => TaskId.parse(t.id)?.shard))).toEqual(new Set([0, 1, 2]));

    const key = `cluster-${randomUUID()}`;
    const keyed = { capability: 'safety.screen', input: { text: 'hello' }, idempotencyKey: key };
    const first = await client.enqueue(keyed);
    expect((await client.enqueue(keyed)).id).toBe(first.id);

    const all = [...withSession, ...batch, first];
    const finished = await Promise.all(all.map((t) => finalTask(client, t.id)));
    expect(finished.map((t) => t.status)).toEqual(all.map(() => 'completed'));
    const passage = finished[1]?.result as { passage?: string } | undefined;
    expect(passage?.passage?.length).toBeGreaterThan(20);
  });

  it('runs player turns (stages, steps and the crisis short-circuit) on the sessions shards', async () => {
    // Six sessions of which the first two hash to different shards (random ids may all land on
    // one shard, once in a few hundred runs).
    const sessions = [`turn-0-${randomUUID()}`];
    while (sessions.length < 6) {
      const id = `turn-${sessions.length}-${randomUUID()}`;
      const first = shards.pick(sessions[0]).shard;
      if (sessions.length > 1 || shards.pick(id).shard !== first) sessions.push(id);
    }
    const turns = await Promise.all(
      sessions.map((sessionId) =>
        client.startRun('player-turn', { sessionId, input: { text: 'go north' } }),
      ),
    );
    expect(new Set(turns.map((t) => TaskId.parse(t.id)?.shard)).size).toBeGreaterThan(1);
    // One followed over server-sent events: its events are read on its own shard.
    const seen: string[] = [];
    for await (const event of client.runEvents(turns[0]?.id ?? '')) seen.push(event.event);
    expect(seen[0]).toBe('snapshot');
    expect(seen.at(-1)).toBe('completed');

    const crisis = await client.startRun('player-turn', {
      sessionId: `turn-crisis-${randomUUID()}`,
      input: { text: 'I want to kill myself' },
    });
    const runs = await Promise.all([...turns, crisis].map((t) => finalRun(client, t.id)));
    for (const run of runs.slice(0, -1)) {
      expect(run).toMatchObject({ status: 'completed', outcome: 'completed' });
      const shard = TaskId.parse(run.id)?.shard;
      for (const step of Object.values(run.steps)) {
        expect(TaskId.parse(step.taskId ?? '')?.shard).toBe(shard);
      }
      expect((run.result as { world: { location: string } }).world.location).toBe('lakeside');
    }
    expect(runs.at(-1)).toMatchObject({ status: 'completed', outcome: 'crisis' });
  });

  it('cancels a task on a later shard, and reads it back as cancelled', async () => {
    const sessionId = sessionOnShard(shards, 2);
    const later = await client.enqueue({
      capability: 'narrative.generate',
      input: { text: 'I wait by the lake' },
      delayMs: 60_000,
      sessionId,
    });
    expect(TaskId.parse(later.id)?.shard).toBe(2);
    expect(await client.cancel(later.id, 'changed my mind')).toEqual({
      id: later.id,
      status: 'cancelled',
    });
    expect(await client.task(later.id)).toMatchObject({ status: 'cancelled' });
  });

  it('lists every shard in capabilities, dead letters, diagnostics, metrics and Bull Board', async () => {
    const capabilities = await client.capabilities();
    const parse = capabilities.find((c) => c.name === 'input.parse');
    expect(parse?.depth.completed).toBeGreaterThanOrEqual(9);
    expect(await client.deadLetters()).toMatchObject({ entries: [], total: 0 });
    const diagnostics = await client.diagnostics();
    expect(diagnostics.supervisor.leader).toEqual(expect.any(String));
    const metrics = await get(baseUrl, '/metrics');
    expect(metrics).toMatch(/tta_queue_jobs\{[^}]*queue="cap\.input\.parse"[^}]*state="completed"/);
    const board = JSON.parse(await get(baseUrl, '/admin/queues/api/queues')) as {
      queues: Array<{ name: string }>;
    };
    const names = board.queues.map((q) => q.name);
    for (let k = 0; k < SHARDS; k++) expect(names).toContain(`shard-${k}:cap.input.parse`);
  });

  it('stored each shard on its own master, and nothing failed with CROSSSLOT', async () => {
    const ports = await Promise.all(shards.all.map((names) => cluster.masterOf(names.prefix)));
    expect(new Set(ports).size).toBe(SHARDS);
    for (const [k, names] of shards.all.entries()) {
      const keys = await cluster.keysOn(ports[k] as number, `${names.prefix}:*`);
      expect(keys.some((key) => key.startsWith(`${names.prefix}:cap.`))).toBe(true);
    }
    expect(output()).not.toMatch(/CROSSSLOT|same slot|slots allocation group/i);
    expect(output()).not.toMatch(/"level":"error"/);
  });

  it('stops cleanly on Ctrl-C', async () => {
    system?.signal('SIGINT');
    expect(await system?.exited).toBe(0);
    expect(output()).not.toMatch(/CROSSSLOT|same slot|slots allocation group/i);
  });
});

// The dead-letter queues of every shard, read as one, on the cluster.
describe('dead letters on a Redis Cluster, with three shards', () => {
  const opened: Array<{ close(): Promise<unknown> }> = [];
  let redis: RedisClient;

  beforeAll(() => {
    redis = createRedisConnection({ url: cluster.url, role: 'worker' });
  });

  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
    await closeRedis(redis);
  });

  it('moves failed tasks of every shard, lists them newest first and retries one on its shard', async () => {
    const shards = new QueueShards(await spreadPrefix(cluster, SHARDS), { count: SHARDS });
    const queue = shards.control.capability('narrative.generate');
    const failed: string[] = [];
    for (const shard of [2, 0, 1]) {
      const id = TaskId.create(queue, shard);
      await failOne(redis, shards.of(shard), queue, id, opened);
      failed.push(id);
    }
    const dlq = new DeadLetterQueue({
      connection: redis,
      names: shards.control,
      shards,
      queues: () => [queue],
    });
    opened.push(dlq);
    const { moved } = await dlq.moveFailed();
    expect(moved.sort()).toEqual([...failed].sort());
    const page = await dlq.list();
    expect(page.total).toBe(3);
    expect(page.entries.map((e) => e.id)).toEqual(
      [...page.entries].sort((a, b) => b.deadLetteredAt - a.deadLetteredAt).map((e) => e.id),
    );
    expect(new Set(page.entries.map((e) => e.id))).toEqual(new Set(failed));
    expect((await dlq.list({ start: 1, end: 1 })).entries.map((e) => e.id)).toEqual([
      page.entries[1]?.id,
    ]);
    const onShard2 = failed[0] as string;
    await dlq.retry(onShard2);
    const back = new Queue(queue, { connection: redis, prefix: shards.of(2).prefix });
    opened.push(back);
    expect(await back.getJobState(onShard2)).toBe('waiting');
    expect((await dlq.list()).total).toBe(2);
    expect(await dlq.find(onShard2)).toBeUndefined();

    // The test helper scans every master: the shards' keys are on three.
    for (const shard of shards.all)
      expect(await deletePrefix(redis, shard.prefix)).toBeGreaterThan(0);
    const base = shards.control.prefix.slice(0, -1);
    for (const port of cluster.ports) expect(await cluster.keysOn(port, `${base}*`)).toEqual([]);
  });
});

// Adds task `id` to `queue` of `shard` and fails it for good with a real worker.
async function failOne(
  redis: RedisClient,
  shard: QueueNames,
  queue: string,
  id: string,
  opened: Array<{ close(): Promise<unknown> }>,
): Promise<void> {
  const q = new Queue(queue, { connection: redis, prefix: shard.prefix });
  opened.push(q);
  const worker = new Worker(
    queue,
    () => {
      throw new UnrecoverableError('it cannot be done');
    },
    { connection: redis, prefix: shard.prefix },
  );
  try {
    const data = { capability: 'narrative.generate', input: {}, timeoutMs: 5000, enqueuedAt: 0 };
    await q.add('narrative.generate', data, { jobId: id });
    await waitFor(async () => (await q.getJobState(id)) === 'failed', {
      what: `task ${id} to fail`,
    });
  } finally {
    await worker.close();
  }
}

async function finalTask(client: TtaClient, id: string): Promise<Task> {
  return waitFor(
    async () => {
      const task = await client.task(id);
      return FINAL_TASK.includes(task.status) ? task : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `task ${id} to finish` },
  );
}

async function finalRun(client: TtaClient, id: string): Promise<WorkflowRun> {
  return waitFor(
    async () => {
      const run = await client.run(id);
      return FINAL_RUN.includes(run.status) ? run : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `run ${id} to end` },
  );
}

function sessionOnShard(shards: QueueShards, shard: number): string {
  for (;;) {
    const sessionId = `s-${randomUUID()}`;
    if (shards.forSession(sessionId).shard === shard) return sessionId;
  }
}

async function get(baseUrl: string, path: string): Promise<string> {
  const res = await fetch(new URL(path, baseUrl), {
    headers: { authorization: 'Bearer tta-dev-key' },
  });
  expect(res.status).toBe(200);
  return res.text();
}
