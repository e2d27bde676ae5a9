import {
  BudgetExceededError,
  CostLedger,
  llmCallsKey,
  SessionBudget,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('CostLedger', () => {
  let redis: Redis;
  let names: QueueNames;
  let ledger: CostLedger;
  // The start of an hour a few hours ago, so that every bucket of the test is in the past.
  const base = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    ledger = new CostLedger(redis, { names, retentionMs: 35 * DAY });
  });

  afterEach(async () => {
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  async function recordSample(): Promise<void> {
    const call = { inputTokens: 100, outputTokens: 50 };
    await ledger.record({
      ...call,
      taskId: 't1',
      sessionId: 's1',
      agentType: 'narrator',
      model: 'big',
      costUsd: 0.1,
      at: base + 1000,
    });
    await ledger.record({
      ...call,
      taskId: 't1',
      sessionId: 's1',
      agentType: 'narrator',
      model: 'big',
      costUsd: 0.2,
      at: base + 2000,
    });
    await ledger.record({
      ...call,
      taskId: 't2',
      sessionId: 's2',
      agentType: 'parser',
      model: 'small|v2',
      costUsd: 0.0000001,
      at: base + HOUR + 5,
    });
    await ledger.record({
      ...call,
      taskId: 't3',
      agentType: 'parser',
      model: 'big',
      costUsd: 0.3,
      at: base + 2 * HOUR,
    });
  }

  it('reports tokens and exact cost by session, agent type and model over whole hours', async () => {
    await recordSample();
    const report = await ledger.report({ from: base, to: base + 3 * HOUR });
    expect(report.from).toBe(new Date(base).toISOString());
    expect(report.to).toBe(new Date(base + 3 * HOUR).toISOString());
    expect(report.total).toEqual({ inputTokens: 400, outputTokens: 200, costUsd: 0.6000001 });
    expect(report.bySession).toEqual({
      s1: { inputTokens: 200, outputTokens: 100, costUsd: 0.3 },
      s2: { inputTokens: 100, outputTokens: 50, costUsd: 0.0000001 },
    });
    expect(report.byAgentType).toEqual({
      narrator: { inputTokens: 200, outputTokens: 100, costUsd: 0.3 },
      parser: { inputTokens: 200, outputTokens: 100, costUsd: 0.3000001 },
    });
    expect(report.byModel).toEqual({
      big: { inputTokens: 300, outputTokens: 150, costUsd: 0.6 },
      'small|v2': { inputTokens: 100, outputTokens: 50, costUsd: 0.0000001 },
    });
  });

  it('filters by session, agent type and model together, and by time', async () => {
    await recordSample();
    const parserOnBig = await ledger.report({
      from: base,
      to: base + 3 * HOUR,
      agentType: 'parser',
      model: 'big',
    });
    expect(parserOnBig.total).toEqual({ inputTokens: 100, outputTokens: 50, costUsd: 0.3 });
    expect(parserOnBig.bySession).toEqual({});
    const s1 = await ledger.report({ from: base, to: base + 3 * HOUR, sessionId: 's1' });
    expect(Object.keys(s1.byModel)).toEqual(['big']);
    expect(s1.total.costUsd).toBe(0.3);
    const secondHour = await ledger.report({ from: base + HOUR + 10, to: base + HOUR + 20 });
    expect(secondHour.from).toBe(new Date(base + HOUR).toISOString());
    expect(secondHour.to).toBe(new Date(base + 2 * HOUR).toISOString());
    expect(secondHour.total.inputTokens).toBe(100);
  });

  it('keeps running totals per task and session for budgets', async () => {
    await recordSample();
    await expect(ledger.spend({ taskId: 't1', sessionId: 's2' })).resolves.toEqual({
      taskUsd: 0.3,
      sessionUsd: 0.0000001,
    });
    await expect(ledger.spend({ taskId: 'nope' })).resolves.toEqual({ taskUsd: 0, sessionUsd: 0 });
    const spend = await ledger.sessionSpend(['s1', 's2', 'nope', 's1']);
    expect([...spend]).toEqual([
      ['s1', 0.3],
      ['s2', 0.0000001],
      ['nope', 0],
    ]);
  });

  it('records a call given once only the first time, with the value of its key', async () => {
    const entry = {
      taskId: 't1',
      sessionId: 's1',
      agentType: 'narrator',
      model: 'big',
      inputTokens: 100,
      outputTokens: 50,
      costUsd: 0.25,
    };
    const once = { key: llmCallsKey(names, 't1'), field: 'call-0', value: 'memo', ttlMs: 60_000 };
    await expect(ledger.record(entry, once)).resolves.toBe(true);
    await expect(ledger.record(entry, { ...once, value: 'other' })).resolves.toBe(false);
    await expect(ledger.spend({ taskId: 't1', sessionId: 's1' })).resolves.toEqual({
      taskUsd: 0.25,
      sessionUsd: 0.25,
    });
    expect(await redis.hgetall(once.key)).toEqual({ 'call-0': 'memo' });
    expect(await redis.pttl(once.key)).toBeGreaterThan(50_000);
    const report = await ledger.report({ from: Date.now() - HOUR, to: Date.now() + 1 });
    expect(report.total).toEqual({ inputTokens: 100, outputTokens: 50, costUsd: 0.25 });
    // Another call of the same task counts.
    await expect(ledger.record(entry, { ...once, field: 'call-1' })).resolves.toBe(true);
    await expect(ledger.spend({ taskId: 't1' })).resolves.toMatchObject({ taskUsd: 0.5 });
    expect(await redis.pttl(names.key('costs', 'task', 't1'))).toBeGreaterThan(34 * DAY);
  });

  it('expires what it writes after the retention', async () => {
    const short = new CostLedger(redis, { names, retentionMs: 60_000 });
    await short.record({
      taskId: 't9',
      sessionId: 's9',
      agentType: 'a',
      model: 'm',
      inputTokens: 1,
      outputTokens: 1,
      costUsd: 0.01,
    });
    const keys = await redis.keys(`${names.prefix}:costs:*`);
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000 + HOUR);
    }
    expect(await redis.pttl(names.key('costs', 'task', 't9'))).toBeLessThanOrEqual(60_000);
  });

  it('starts a window no further back than the retention', async () => {
    const report = await ledger.report({ from: 0, to: Date.now() });
    expect(Date.parse(report.from)).toBeGreaterThanOrEqual(Date.now() - 35 * DAY - HOUR);
    expect(report.total).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });

  it('SessionBudget refuses a session whose spend reached the budget', async () => {
    await recordSample();
    const budget = new SessionBudget(ledger, { limitUsd: 0.3 });
    await expect(budget.assertWithin(['s2', undefined])).resolves.toBeUndefined();
    const error = await budget.assertWithin(['s2', 's1']).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      details: { budget: 'session', sessionId: 's1', limitUsd: 0.3, spentUsd: 0.3 },
    });
    expect((error as Error).message).toBe(
      "session budget exceeded: session 's1' has spent 0.3 USD of its 0.3 USD",
    );
  });
});
