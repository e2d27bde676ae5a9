import { randomUUID } from 'node:crypto';
import {
  AgentRuntime,
  createLlmGateway,
  defineAgent,
  LlmGateway,
  OpenAiCompatibleProvider,
} from '@tta/agent-sdk';
import { AgentRegistry, CostLedger, createLogger, QueueNames, type TaskUsage } from '@tta/core';
import { type TaskView } from '@tta/contracts';
import {
  chatCompletion,
  createTestRedis,
  startChatCompletionsServer,
  waitFor,
  type ChatCompletionsServer,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from '../../apps/api/test/integration/api-harness';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const logger = createLogger({ level: 'error' });

// A task posted to the API runs on an agent whose handler calls the LLM (a local
// chat-completions server): its usage reaches the task, the ledger, GET /v1/costs, the
// metrics, and then the session's budget.
describe('LLM usage from a task to GET /v1/costs', () => {
  let server: ChatCompletionsServer;
  let h: ApiHarness;
  let redis: Redis;
  let runtime: AgentRuntime;
  const metrics = new Registry();

  beforeAll(async () => {
    server = await startChatCompletionsServer(() =>
      chatCompletion('Once upon a time.', { prompt: 1000, completion: 500 }),
    );
    h = await startApiHarness({
      overrides: {
        capabilities: { 'story.tell': { agentType: 'storyteller', attempts: 1 } },
        llm: {
          provider: 'openai-compatible',
          baseUrl: server.baseUrl,
          model: 'big',
          retries: 0,
          // 1000 input and 500 output tokens cost 0.01 + 0.01 USD.
          models: { big: { tier: 'quality', inputUsdPerMillion: 10, outputUsdPerMillion: 20 } },
        },
        costs: { budgets: { sessionUsd: 0.02 } },
      },
    });
    redis = createTestRedis();
    const names = new QueueNames(h.config.redis.prefix);
    runtime = new AgentRuntime(
      defineAgent({
        type: 'storyteller',
        capabilities: ['story.tell'],
        handler: async (_task, ctx) =>
          (await ctx.llm.complete({ messages: [{ role: 'user', content: 'a story' }] })).text,
      }),
      {
        connection: redis,
        names,
        registry: new AgentRegistry(redis, { names }),
        logger,
        metrics,
        llm: createLlmGateway({
          llm: h.config.llm,
          costs: h.config.costs,
          ledger: new CostLedger(redis, { names }),
          metrics,
          logger,
        }),
      },
    );
    await runtime.start();
  });

  afterAll(async () => {
    await runtime.stop();
    await h.close();
    await redis.quit();
    await server.close();
  });

  it('counts the call in the task, the ledger, the metrics and the session budget', async () => {
    const sessionId = `s-${randomUUID()}`;
    const posted = await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'story.tell', input: {}, sessionId })
      .expect(202);
    const id = (posted.body as { id: string }).id;
    const task = await waitFor(
      async () => {
        const res = await request(h.app).get(`/v1/tasks/${id}`);
        const view = res.body as TaskView;
        return view.status === 'completed' || view.status === 'failed' ? view : undefined;
      },
      { what: 'the task to end' },
    );
    const usage: TaskUsage = { inputTokens: 1000, outputTokens: 500, costUsd: 0.02 };
    expect(task).toMatchObject({
      status: 'completed',
      result: 'Once upon a time.',
      usage,
      attempts: 1,
      runs: 1,
    });
    expect(server.requests[0]?.body.model).toBe('big');

    const bySession = await request(h.app).get('/v1/costs').query({ sessionId }).expect(200);
    expect(bySession.body).toMatchObject({
      total: usage,
      bySession: { [sessionId]: usage },
      byAgentType: { storyteller: usage },
      byModel: { big: usage },
    });
    const byAgent = await request(h.app).get('/v1/costs?agentType=storyteller&model=big');
    expect(byAgent.body.total).toEqual(usage);
    const none = await request(h.app).get('/v1/costs?agentType=storyteller&model=small');
    expect(none.body.total).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

    const text = await metrics.metrics();
    expect(text).toMatch(
      /tta_tokens_total\{agent_type="storyteller",model="big",direction="input"\} 1000/,
    );
    expect(text).toMatch(/tta_cost_usd_total\{agent_type="storyteller",model="big"\} 0\.02\b/);

    const refused = await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'story.tell', input: {}, sessionId })
      .expect(429);
    expect(refused.body.error.code).toBe('budget_exceeded');
  });
});

// A player turn with a real provider configured: safety.screen (second opinion), input.parse
// and narrative.generate ask the LLM, and the run's usage is the sum of theirs.
describe('a player turn with an LLM provider', () => {
  let server: ChatCompletionsServer;
  let h: WorkflowHarness;
  const PASSAGE =
    'You walk north to the still lake.\n\nYou could sit by the water, or look around.';

  beforeAll(async () => {
    server = await startChatCompletionsServer((req) => {
      const system = req.body.messages?.[0]?.content ?? '';
      if (system.includes('safety reviewer')) {
        return chatCompletion('{"level":"safe","categories":[],"cssrs":null}', {
          prompt: 300,
          completion: 10,
        });
      }
      return system.includes('You classify')
        ? chatCompletion('{"verb":"move","destination":"north","confidence":0.9}', {
            prompt: 200,
            completion: 20,
          })
        : chatCompletion(PASSAGE, { prompt: 600, completion: 40 });
    });
    const llm = new LlmGateway({
      provider: new OpenAiCompatibleProvider({
        baseUrl: server.baseUrl,
        model: 'story',
        retries: 0,
      }),
      models: { story: { tier: 'quality', inputUsdPerMillion: 1, outputUsdPerMillion: 4 } },
    });
    h = await createWorkflowHarness({ agentOptions: { llm } });
    await h.startBuiltInAgents();
    await h.startEngine();
  });

  afterAll(async () => {
    await h.close();
    await server.close();
  });

  it('narrates with the LLM and sums the usage of its steps', async () => {
    const started = await h.runs.start('player-turn', {
      input: { text: 'go north' },
      sessionId: `s-${randomUUID()}`,
    });
    const run = await h.waitForRun(started.id);
    expect(run.status).toBe('completed');
    expect(run.result?.narrative).toBe(PASSAGE);
    expect(run.steps.parse?.usage).toEqual({
      inputTokens: 200,
      outputTokens: 20,
      costUsd: 0.00028,
    });
    expect(run.steps.narrate?.usage).toEqual({
      inputTokens: 600,
      outputTokens: 40,
      costUsd: 0.00076,
    });
    expect(run.steps.safety?.usage).toEqual({
      inputTokens: 300,
      outputTokens: 10,
      costUsd: 0.00034,
    });
    expect(run.result?.safety).toMatchObject({ level: 'safe' });
    expect(run.steps.world?.usage).toBeUndefined();
    expect(run.usage).toEqual({
      inputTokens: 1100,
      outputTokens: 70,
      costUsd: expect.closeTo(0.00138, 12),
    });
    expect(server.requests).toHaveLength(3);
  });
});
