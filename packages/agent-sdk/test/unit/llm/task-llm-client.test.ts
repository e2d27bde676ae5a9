import { BudgetExceededError, createLogger, ModelNotAllowedError, type LlmPolicy } from '@tta/core';
import {
  LlmGateway,
  OfflineProvider,
  type LlmCompletion,
  type LlmGatewayOptions,
  type LlmProvider,
  type LlmRequest,
} from '@tta/agent-sdk';
import { Registry } from 'prom-client';

const log = createLogger({ level: 'error' });

/** A provider that answers every call with 1000 input and 500 output tokens. */
class FakeProvider implements LlmProvider {
  readonly name = 'fake';
  readonly defaultModel = 'big';
  readonly calls: LlmRequest[] = [];

  async complete(request: LlmRequest): Promise<LlmCompletion> {
    this.calls.push(request);
    request.signal?.throwIfAborted();
    const model = request.model ?? this.defaultModel;
    return { text: `from ${model}`, model, usage: { inputTokens: 1000, outputTokens: 500 } };
  }
}

// big: 1000 in + 500 out = 0.01 + 0.01 = 0.02 USD; small: 0.001 + 0.001 = 0.002 USD.
const MODELS = {
  big: { tier: 'quality', inputUsdPerMillion: 10, outputUsdPerMillion: 20 },
  small: { tier: 'fast', inputUsdPerMillion: 1, outputUsdPerMillion: 2 },
};
const request: LlmRequest = { messages: [{ role: 'user', content: 'hello' }], maxTokens: 500 };

function client(options: LlmGatewayOptions & { budgetUsd?: number; policy?: LlmPolicy } = {}) {
  const provider = new FakeProvider();
  const { budgetUsd, policy, ...gatewayOptions } = options;
  const gateway = new LlmGateway({ provider, models: MODELS, ...gatewayOptions });
  const controller = new AbortController();
  const llm = gateway.forTask({
    taskId: 'task-1',
    sessionId: 's1',
    agentType: 'narrator',
    budgetUsd,
    policy,
    signal: controller.signal,
    log: () => log,
  });
  return { llm, provider, controller };
}

describe('TaskLlmClient (ctx.llm)', () => {
  it('is enabled with a real provider and disabled with the offline one', () => {
    expect(client().llm.enabled).toBe(true);
    expect(
      new LlmGateway().forTask({
        taskId: 't',
        agentType: 'a',
        signal: new AbortController().signal,
        log: () => log,
      }).enabled,
    ).toBe(false);
    expect(new LlmGateway({ provider: new OfflineProvider(), enabled: true }).enabled).toBe(true);
  });

  it('sums the tokens and cost of its calls and counts them in the metrics', async () => {
    const metrics = new Registry();
    const { llm, provider } = client({ metrics });
    expect(llm.usage).toBeUndefined();
    await expect(llm.complete(request)).resolves.toMatchObject({ text: 'from big' });
    await llm.complete({ ...request, model: 'small' });
    expect(llm.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 1000,
      costUsd: expect.closeTo(0.022, 9),
    });
    expect(provider.calls.map((c) => c.model)).toEqual(['big', 'small']);
    const text = await metrics.metrics();
    expect(text).toMatch(
      /tta_tokens_total\{agent_type="narrator",model="big",direction="input"\} 1000/,
    );
    expect(text).toMatch(
      /tta_tokens_total\{agent_type="narrator",model="small",direction="output"\} 500/,
    );
    expect(text).toMatch(/tta_cost_usd_total\{agent_type="narrator",model="big"\} 0\.02\b/);
  });

  it("refuses a call that would go over the task's budget, after the calls that fit", async () => {
    const { llm, provider } = client({ budgetUsd: 0.03 });
    await llm.complete(request);
    const error = await llm.complete(request).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      budget: 'task',
      details: { budget: 'task', limitUsd: 0.03, taskId: 'task-1' },
    });
    expect((error as Error).message).toMatch(
      /^task budget exceeded: task 'task-1' has spent 0\.02 USD of its 0\.03 USD, and the next LLM call would cost about 0\.0100\d* USD$/,
    );
    expect(provider.calls).toHaveLength(1);
  });

  it('applies the smallest of the request, config and policy budgets', async () => {
    const tight = client({
      budgetUsd: 1,
      budgets: { taskUsd: 0.5 },
      policy: { taskBudgetUsd: 0.01 },
    });
    await expect(tight.llm.complete(request)).rejects.toMatchObject({
      details: { limitUsd: 0.01 },
    });
    const loose = client({ budgetUsd: 1, budgets: { taskUsd: null } });
    await expect(loose.llm.complete(request)).resolves.toBeDefined();
  });

  it('falls back to a cheaper model of the allowed fallback tier when over budget', async () => {
    const policy = { allowedTiers: ['quality', 'fast'], fallbackTier: 'fast' };
    const { llm, provider } = client({ budgetUsd: 0.025, policy });
    await llm.complete(request);
    await expect(llm.complete(request)).resolves.toMatchObject({ text: 'from small' });
    await expect(llm.complete(request)).resolves.toMatchObject({ text: 'from small' });
    expect(provider.calls.map((c) => c.model)).toEqual(['big', 'small', 'small']);
    // 0.024 USD spent: even the small model's estimate (about 0.001 USD) no longer fits.
    await expect(llm.complete(request)).rejects.toBeInstanceOf(BudgetExceededError);
    expect(provider.calls).toHaveLength(3);
  });

  it('does not fall back to a tier the policy does not allow', async () => {
    const policy = { allowedTiers: ['quality'], fallbackTier: 'fast' };
    const { llm } = client({ budgetUsd: 0.01, policy });
    await expect(llm.complete(request)).rejects.toBeInstanceOf(BudgetExceededError);
  });

  it('keeps to the allowed tiers', async () => {
    const { llm, provider } = client({ policy: { allowedTiers: ['fast'] } });
    await expect(llm.complete(request)).resolves.toMatchObject({ text: 'from small' });
    await expect(llm.complete({ ...request, model: 'big' })).rejects.toBeInstanceOf(
      ModelNotAllowedError,
    );
    expect(provider.calls).toHaveLength(1);
  });

  it("ends a call with the task's signal", async () => {
    const { llm, controller, provider } = client();
    controller.abort(new Error('task cancelled'));
    await expect(llm.complete(request)).rejects.toThrow('task cancelled');
    expect(provider.calls).toHaveLength(0);
  });
});
