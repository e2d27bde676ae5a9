import { Queue, QueueEvents } from 'bullmq';
import { CostLedger, type QueueNames, type TaskJobData, type TaskJobResult } from '@tta/core';
import {
  chatCompletion,
  createTestRedis,
  deletePrefix,
  spawnNode,
  startChatCompletionsServer,
  testRedisUrl,
  uniqueNames,
  type ChatCompletionsServer,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';

const WORKER = 'apps/worker/dist/main.js';
const API_KEY = 'sk-worker-secret-0123456789';
const PASSAGE = 'You walk north, and the lake opens before you.\n\nYou could rest, or look around.';

// A worker process configured with an OpenAI-compatible provider (a local server).
describe('worker process with an LLM provider', () => {
  let redis: Redis;
  let names: QueueNames;
  let server: ChatCompletionsServer;
  let worker: TestProcess | undefined;

  beforeEach(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    server = await startChatCompletionsServer(() =>
      chatCompletion(PASSAGE, { prompt: 500, completion: 30 }, 'gpt-test'),
    );
  });

  afterEach(async () => {
    worker?.signal('SIGKILL');
    await worker?.exited;
    worker = undefined;
    await server.close();
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  function startWorker(env: NodeJS.ProcessEnv): TestProcess {
    return spawnNode(WORKER, ['--agent', 'narrative-generator'], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_LOG_LEVEL: 'debug',
      ...env,
    });
  }

  it('narrates with the LLM, records the cost in the ledger and never logs the key', async () => {
    worker = startWorker({
      TTA_LLM_PROVIDER: 'openai-compatible',
      TTA_LLM_BASE_URL: server.baseUrl,
      TTA_LLM_MODEL: 'gpt-test',
      TTA_LLM_API_KEY: API_KEY,
      TTA_LLM_MODELS: JSON.stringify({
        'gpt-test': { tier: 'quality', inputUsdPerMillion: 2, outputUsdPerMillion: 10 },
      }),
    });
    const queue = new Queue<TaskJobData, TaskJobResult>(names.capability('narrative.generate'), {
      connection: redis,
      prefix: names.prefix,
    });
    const eventsRedis = redis.duplicate();
    const events = new QueueEvents(queue.name, { connection: eventsRedis, prefix: names.prefix });
    try {
      await events.waitUntilReady();
      const job = await queue.add('narrative.generate', {
        capability: 'narrative.generate',
        input: { text: 'go north' },
        sessionId: 'worker-llm-1',
        timeoutMs: 10_000,
        enqueuedAt: Date.now(),
      });
      const result = await job.waitUntilFinished(events, 20_000);
      expect(result.output).toMatchObject({ passage: PASSAGE });
      const usage = { inputTokens: 500, outputTokens: 30, costUsd: 0.0013 };
      expect(result.usage).toEqual(usage);
      expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
      const ledger = new CostLedger(redis, { names });
      const report = await ledger.report({ from: Date.now() - 60_000, to: Date.now() + 1 });
      expect(report.bySession).toEqual({ 'worker-llm-1': usage });
      expect(report.byAgentType).toEqual({ 'narrative-generator': usage });
    } finally {
      await events.close();
      await eventsRedis.quit();
      await queue.close();
    }
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).not.toContain(API_KEY);
  });

  it('refuses the openai-compatible provider without a base URL, naming the key, exit code 2', async () => {
    worker = startWorker({ TTA_LLM_PROVIDER: 'openai-compatible', TTA_LLM_MODEL: 'gpt-test' });
    expect(await worker.exited).toBe(2);
    const lines = worker.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'invalid configuration: llm.baseUrl: required when llm.provider is openai-compatible',
    );
  });
});
