import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import {
  AgentRuntime,
  defineAgent,
  defineTool,
  LlmCallMemo,
  LlmGateway,
  OpenAiCompatibleProvider,
  type AgentRuntimeOptions,
} from '@tta/agent-sdk';
import {
  AgentRegistry,
  CostLedger,
  createLogger,
  createRedisConnection,
  DeadAgentJobs,
  isEnvelope,
  jobHashKey,
  llmCallsKey,
  PayloadCodec,
  QueueNames,
  QueueShards,
  readTaskRuns,
  Supervisor,
  type RedisClient,
  type TaskJobData,
} from '@tta/core';
import {
  chatCompletion,
  startChatCompletionsServer,
  startRedisServer,
  waitFor,
  type ChatCompletionsServer,
  type RedisServer,
} from '@tta/test-utils';

const logger = createLogger({ level: 'error' });
const CAPABILITY = 'story.stall';
const TASKS = 4;
const PAUSE_MS = 5000;
// 1000 input and 500 output tokens at 10 and 20 USD per million: 0.02 USD a call.
const CALL_USD = 0.02;
const MODELS = { big: { tier: 'quality', inputUsdPerMillion: 10, outputUsdPerMillion: 20 } };
const SECRET = 'the lighthouse keeper remembers';

interface Fixture {
  names: QueueNames;
  queue: Queue;
  runtimes: AgentRuntime[];
  supervisor: Supervisor;
  /** Idempotency keys the tool saw, with how many calls each; `effects`: the ones applied. */
  toolKeys: Map<string, number>;
  effects: Set<string>;
  /** Handler starts by task id. */
  starts: Map<string, number>;
  /** Resolves the handlers that wait for the stall to end. */
  release(): void;
}

// A Redis stall (CLIENT PAUSE, as in a Sentinel failover or a slow fsync) while tasks are in
// flight, on a redis-server of this file's own. With the default lock settings no task runs
// again; with locks shorter than the stall (the old 1.5 s) every task runs again, and still
// its model call is made and paid once, its budget spent once and its tool's effect applied
// once.
describe('a 5 s Redis stall with tasks in flight', () => {
  let server: RedisServer;
  let llm: ChatCompletionsServer;
  let redis: RedisClient;
  let admin: RedisClient;
  const codec = new PayloadCodec({
    keys: [{ id: 'k1', key: randomBytes(32) }],
    inputFields: [],
    outputFields: [],
  });

  beforeAll(async () => {
    server = await startRedisServer();
    llm = await startChatCompletionsServer(() =>
      chatCompletion(SECRET, { prompt: 1000, completion: 500 }),
    );
    redis = createRedisConnection({ url: server.url, role: 'worker', name: 'stall-test' });
    admin = createRedisConnection({ url: server.url, role: 'worker', name: 'stall-admin' });
  });

  afterAll(async () => {
    await redis.quit();
    await admin.quit();
    await llm.close();
    await server.close();
  });

  async function start(lock: Partial<AgentRuntimeOptions>): Promise<Fixture> {
    const names = new QueueNames(`{stall-${randomBytes(4).toString('hex')}}`);
    const registry = new AgentRegistry(redis, { names });
    const ledger = new CostLedger(redis, { names });
    let release!: () => void;
    const stallOver = new Promise<void>((resolve) => (release = resolve));
    const fixture: Omit<Fixture, 'runtimes' | 'supervisor' | 'queue'> = {
      names,
      toolKeys: new Map(),
      effects: new Set(),
      starts: new Map(),
      release,
    };
    const definition = defineAgent({
      type: 'storyteller',
      capabilities: [CAPABILITY],
      concurrency: TASKS,
      tools: [
        defineTool({
          name: 'note.write',
          // An effect outside: applied once per idempotency key, however often it is called.
          handler: async (_args, ctx) => {
            fixture.toolKeys.set(
              ctx.idempotencyKey,
              (fixture.toolKeys.get(ctx.idempotencyKey) ?? 0) + 1,
            );
            fixture.effects.add(ctx.idempotencyKey);
            return 'noted';
          },
        }),
      ],
      handler: async (task, ctx) => {
        fixture.starts.set(task.id, (fixture.starts.get(task.id) ?? 0) + 1);
        const { text } = await ctx.llm.complete({
          messages: [{ role: 'user', content: `story ${String(task.input.n)}` }],
        });
        await ctx.tools.call('note.write', { n: task.input.n });
        await stallOver;
        return { text };
      },
    });
    const gateway = () =>
      new LlmGateway({
        provider: new OpenAiCompatibleProvider({ baseUrl: llm.baseUrl, model: 'big', retries: 0 }),
        models: MODELS,
        ledger,
        memo: new LlmCallMemo({ redis, names, codec }),
        budgets: { taskUsd: 0.03 },
        logger,
      });
    const runtimes = [0, 1].map(
      (i) =>
        new AgentRuntime(definition, {
          connection: redis,
          names,
          registry,
          logger,
          agentId: `storyteller-${i}`,
          llm: gateway(),
          maxStalledCount: 5,
          ...lock,
        }),
    );
    for (const runtime of runtimes) await runtime.start();
    const supervisor = new Supervisor({
      redis,
      names,
      registry,
      logger,
      id: 'supervisor-stall',
      replicas: {},
      deadAgentJobs: new DeadAgentJobs({ redis, shards: new QueueShards(names.prefix) }),
    });
    await supervisor.start();
    const queue = new Queue(names.capability(CAPABILITY), {
      connection: redis,
      prefix: names.prefix,
    });
    return { ...fixture, runtimes, supervisor, queue };
  }

  async function stop(f: Fixture): Promise<void> {
    f.release();
    await f.supervisor.stop();
    for (const runtime of f.runtimes) await runtime.stop();
    await f.queue.obliterate({ force: true });
    await f.queue.close();
  }

  // Enqueues the tasks, stalls Redis once every handler has made its model and tool calls,
  // lets the handlers return a second after the stall and waits for every task to complete.
  async function stallWithTasksInFlight(f: Fixture): Promise<string[]> {
    const data = (n: number): TaskJobData => ({
      capability: CAPABILITY,
      input: { n },
      timeoutMs: 60_000,
      enqueuedAt: Date.now(),
    });
    const jobs = await f.queue.addBulk(
      Array.from({ length: TASKS }, (_, n) => ({ name: CAPABILITY, data: data(n) })),
    );
    const ids = jobs.map((job) => String(job.id));
    await waitFor(() => f.effects.size === TASKS, { what: 'every task to call its tool' });
    await admin.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
    setTimeout(() => f.release(), PAUSE_MS + 1000);
    await waitFor(async () => (await f.queue.getJobCounts('completed')).completed === TASKS, {
      timeoutMs: 30_000,
      what: 'every task to complete',
    });
    return ids;
  }

  async function spentUsd(f: Fixture, ids: string[]): Promise<number[]> {
    const ledger = new CostLedger(redis, { names: f.names });
    return Promise.all(ids.map(async (taskId) => (await ledger.spend({ taskId })).taskUsd));
  }

  async function runsOf(f: Fixture, ids: string[]): Promise<Array<number | undefined>> {
    return Promise.all(ids.map((id) => readTaskRuns(redis, jobHashKey(f.queue.qualifiedName, id))));
  }

  it('with the default locks: no task runs again, every effect happens once', async () => {
    const f = await start({});
    try {
      const calls = llm.requests.length;
      const ids = await stallWithTasksInFlight(f);
      expect(await runsOf(f, ids)).toEqual(ids.map(() => 1));
      expect([...f.starts.values()]).toEqual(ids.map(() => 1));
      expect(llm.requests.length - calls).toBe(TASKS);
      expect(await spentUsd(f, ids)).toEqual(ids.map(() => CALL_USD));
      expect([...f.toolKeys.values()]).toEqual(ids.map(() => 1));
      // One attempt each, as BullMQ counts it: here the runs agree with it.
      const jobs = await Promise.all(ids.map((id) => f.queue.getJob(id)));
      expect(jobs.map((job) => job?.attemptsMade)).toEqual(ids.map(() => 1));
    } finally {
      await stop(f);
    }
  }, 60_000);

  it('with locks shorter than the stall: tasks run again, yet each model call is made, paid and budgeted once', async () => {
    const f = await start({ lockDurationMs: 1500, lockRenewMs: 750 });
    try {
      const calls = llm.requests.length;
      const ids = await stallWithTasksInFlight(f);
      const runs = await runsOf(f, ids);
      // The stall outlived the locks: every task ran again without a failed attempt.
      expect(runs.every((n) => n !== undefined && n >= 2)).toBe(true);
      expect([...f.starts.values()].every((n) => n >= 2)).toBe(true);
      expect(llm.requests.length - calls).toBe(TASKS);
      expect(await spentUsd(f, ids)).toEqual(ids.map(() => CALL_USD));
      // The tool was called in each run with the same key: its effect applied once per task.
      expect(f.effects.size).toBe(TASKS);
      expect([...f.toolKeys.values()].every((n) => n >= 2)).toBe(true);
      // Each task's result is the model's words, from the memo in the later run.
      const jobs = await Promise.all(ids.map((id) => f.queue.getJob(id)));
      for (const job of jobs) expect(job?.returnvalue).toMatchObject({ output: { text: SECRET } });
      // The memoized response is sealed: the player's story is not in Redis in clear.
      for (const id of ids) {
        const calls = await redis.hgetall(llmCallsKey(f.names, id));
        expect(Object.keys(calls)).toHaveLength(1);
        for (const raw of Object.values(calls)) {
          expect(isEnvelope((JSON.parse(raw) as { text: unknown }).text)).toBe(true);
          expect(raw).not.toContain(SECRET);
        }
      }
    } finally {
      await stop(f);
    }
  }, 60_000);
});
