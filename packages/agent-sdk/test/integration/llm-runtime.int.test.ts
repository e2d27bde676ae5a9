import { Job, Queue, QueueEvents } from 'bullmq';
import {
  AgentRegistry,
  CostLedger,
  createLogger,
  type LlmPolicy,
  type QueueNames,
  type TaskJobData,
  type TaskJobResult,
} from '@tta/core';
import {
  chatCompletion,
  createTestRedis,
  deletePrefix,
  startChatCompletionsServer,
  uniqueNames,
  type ChatCompletionsServer,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { AgentRuntime, defineAgent, LlmGateway, OpenAiCompatibleProvider } from '@tta/agent-sdk';

const logger = createLogger({ level: 'error' });
// Each call: 1000 input and 500 output tokens. On big: 0.01 + 0.01 = 0.02 USD; small: 0.002 USD.
const MODELS = {
  big: { tier: 'quality', inputUsdPerMillion: 10, outputUsdPerMillion: 20 },
  small: { tier: 'fast', inputUsdPerMillion: 1, outputUsdPerMillion: 2 },
};

// An in-process agent whose handler makes two LLM calls, against a local chat-completions
// server, with the cost ledger in Redis.
describe('ctx.llm in the agent runtime', () => {
  let redis: Redis;
  let names: QueueNames;
  let server: ChatCompletionsServer;
  let queue: Queue<TaskJobData, TaskJobResult>;
  let events: QueueEvents;
  let eventsRedis: Redis;
  let ledger: CostLedger;
  let metrics: Registry;
  let runtime: AgentRuntime | undefined;

  beforeEach(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    server = await startChatCompletionsServer((_request, index) =>
      chatCompletion(`reply ${index + 1}`, { prompt: 1000, completion: 500 }, 'served'),
    );
    queue = new Queue(names.capability('story.tell'), { connection: redis, prefix: names.prefix });
    eventsRedis = redis.duplicate();
    events = new QueueEvents(queue.name, { connection: eventsRedis, prefix: names.prefix });
    await events.waitUntilReady();
    ledger = new CostLedger(redis, { names });
    metrics = new Registry();
  });

  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await events.close();
    await eventsRedis.quit();
    await queue.close();
    await server.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  async function start(llmPolicy?: (agentType: string) => LlmPolicy | undefined): Promise<void> {
    const llm = new LlmGateway({
      provider: new OpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: 'big', retries: 0 }),
      models: MODELS,
      ledger,
      metrics,
      logger,
    });
    runtime = new AgentRuntime(
      defineAgent({
        type: 'storyteller',
        capabilities: ['story.tell'],
        handler: async (_task, ctx) => {
          const first = await ctx.llm.complete({ messages: [{ role: 'user', content: 'once' }] });
          const second = await ctx.llm.complete({ messages: [{ role: 'user', content: 'upon' }] });
          return [first.text, second.text];
        },
      }),
      {
        connection: redis,
        names,
        registry: new AgentRegistry(redis, { names, ttlMs: 1000 }),
        logger,
        heartbeatIntervalMs: 200,
        metrics,
        llm,
        ...(llmPolicy && { llmPolicy }),
      },
    );
    await runtime.start();
  }

  function add(extra: Partial<TaskJobData> = {}) {
    return queue.add(
      'story.tell',
      { capability: 'story.tell', input: {}, timeoutMs: 10_000, enqueuedAt: Date.now(), ...extra },
      { attempts: 3, backoff: { type: 'fixed', delay: 10 } },
    );
  }

  async function metric(name: string, labels: Record<string, string>): Promise<number> {
    const found = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (found?.values ?? []) as Array<{
      value: number;
      labels: Record<string, unknown>;
    }>;
    return (
      values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0
    );
  }

  it('puts the summed usage in the result, the ledger and the metrics', async () => {
    await start();
    const job = await add({ sessionId: 'sess-1' });
    const result = await job.waitUntilFinished(events, 10_000);
    expect(result.output).toEqual(['reply 1', 'reply 2']);
    expect(result.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 1000,
      costUsd: expect.closeTo(0.04, 9),
    });
    const report = await ledger.report({ from: Date.now() - 60_000, to: Date.now() + 1 });
    const usage = { inputTokens: 2000, outputTokens: 1000, costUsd: 0.04 };
    expect(report.bySession).toEqual({ 'sess-1': usage });
    expect(report.byAgentType).toEqual({ storyteller: usage });
    expect(report.byModel).toEqual({ big: usage });
    await expect(ledger.spend({ taskId: String(job.id), sessionId: 'sess-1' })).resolves.toEqual({
      taskUsd: 0.04,
      sessionUsd: 0.04,
    });
    expect(
      await metric('tta_tokens_total', {
        agent_type: 'storyteller',
        model: 'big',
        direction: 'input',
      }),
    ).toBe(2000);
    expect(
      await metric('tta_tokens_total', {
        agent_type: 'storyteller',
        model: 'big',
        direction: 'output',
      }),
    ).toBe(1000);
    expect(
      await metric('tta_cost_usd_total', { agent_type: 'storyteller', model: 'big' }),
    ).toBeCloseTo(0.04, 9);
  });

  it('fails a task whose budget stops its second call, without retrying it', async () => {
    await start();
    // The first call's estimate (about 0.005 USD: 256 output tokens) fits; once it cost 0.02 USD,
    // the second one's does not.
    const job = await add({ budgetUsd: 0.021 });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/task budget exceeded/);
    const failed = await Job.fromId<TaskJobData, TaskJobResult>(queue, String(job.id));
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/has spent 0\.02 USD of its 0\.021 USD/);
    expect(server.requests).toHaveLength(1);
    await expect(ledger.spend({ taskId: String(job.id) })).resolves.toMatchObject({
      taskUsd: 0.02,
    });
  });

  it("falls back to a cheaper model of the policy's fallback tier when over budget", async () => {
    const asked: string[] = [];
    await start((agentType) => {
      asked.push(agentType);
      return { allowedTiers: ['quality', 'fast'], fallbackTier: 'fast', taskBudgetUsd: 0.025 };
    });
    const job = await add();
    const result = await job.waitUntilFinished(events, 10_000);
    expect(server.requests.map((r) => r.body.model)).toEqual(['big', 'small']);
    expect(result.usage?.costUsd).toBeCloseTo(0.022, 9);
    expect(asked).toEqual(['storyteller']);
    const report = await ledger.report({ from: Date.now() - 60_000, to: Date.now() + 1 });
    expect(Object.keys(report.byModel)).toEqual(['big', 'small']);
  });
});
