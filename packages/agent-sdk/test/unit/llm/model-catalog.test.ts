import { ModelNotAllowedError, ValidationError } from '@tta/core';
import { ModelCatalog } from '@tta/agent-sdk';

const MODELS = {
  big: { tier: 'quality', inputUsdPerMillion: 10, outputUsdPerMillion: 30 },
  mid: { tier: 'fast', inputUsdPerMillion: 1, outputUsdPerMillion: 2 },
  small: { tier: 'fast', inputUsdPerMillion: 0.1, outputUsdPerMillion: 0.2 },
  local: { tier: 'local', inputUsdPerMillion: 0, outputUsdPerMillion: 0 },
};
const catalog = new ModelCatalog({ models: MODELS, defaultModel: 'big' });
const prompt = { messages: [{ role: 'user' as const, content: 'x'.repeat(400) }], maxTokens: 100 };

describe('ModelCatalog', () => {
  it('picks the named model, else the first of the tier, else the default', () => {
    expect(catalog.select({ model: 'small' }, 'a')).toEqual({ model: 'small', tier: 'fast' });
    expect(catalog.select({ tier: 'fast' }, 'a')).toEqual({ model: 'mid', tier: 'fast' });
    expect(catalog.select({}, 'a')).toEqual({ model: 'big', tier: 'quality' });
    expect(catalog.select({ model: 'unpriced' }, 'a')).toEqual({ model: 'unpriced' });
  });

  it('keeps to the allowed tiers of a policy', () => {
    const policy = { allowedTiers: ['fast'] };
    expect(catalog.select({}, 'a', policy)).toEqual({ model: 'mid', tier: 'fast' });
    expect(() => catalog.select({ model: 'big' }, 'agent-x', policy)).toThrow(ModelNotAllowedError);
    expect(() => catalog.select({ tier: 'quality' }, 'agent-x', policy)).toThrow(
      /agent type 'agent-x' may not use tier 'quality'; allowed tiers: fast/,
    );
    expect(() => catalog.select({ model: 'unpriced' }, 'a', policy)).toThrow(/\(no tier\)/);
    expect(() => catalog.select({}, 'a', { allowedTiers: ['none-such'] })).toThrow(
      ModelNotAllowedError,
    );
  });

  it('refuses a tier no model has', () => {
    expect(() => catalog.select({ tier: 'huge' }, 'a')).toThrow(ValidationError);
  });

  it('prices usage per million tokens; an unknown model costs nothing', () => {
    expect(catalog.costUsd('big', { inputTokens: 1000, outputTokens: 500 })).toBeCloseTo(0.025);
    expect(catalog.costUsd('unpriced', { inputTokens: 1000, outputTokens: 500 })).toBe(0);
  });

  it('estimates a call from its prompt characters and maxTokens (256 without it)', () => {
    // 400 characters = 100 tokens, plus 4 for the message.
    expect(catalog.estimateUsd('big', prompt)).toBeCloseTo((104 * 10 + 100 * 30) / 1e6);
    expect(catalog.estimateUsd('big', { messages: [] })).toBeCloseTo((256 * 30) / 1e6);
  });

  it('offers the cheapest fitting model of an allowed fallback tier that is cheaper', () => {
    const current = { model: 'big', tier: 'quality' };
    const policy = { allowedTiers: ['quality', 'fast'], fallbackTier: 'fast' };
    expect(catalog.cheaperFallback(current, prompt, policy, () => true)).toEqual({
      model: 'small',
      tier: 'fast',
    });
    const onlyMid = (usd: number) => usd > catalog.estimateUsd('small', prompt);
    expect(catalog.cheaperFallback(current, prompt, policy, onlyMid)).toEqual({
      model: 'mid',
      tier: 'fast',
    });
    expect(catalog.cheaperFallback(current, prompt, policy, () => false)).toBeUndefined();
    expect(
      catalog.cheaperFallback(
        current,
        prompt,
        { ...policy, allowedTiers: ['quality'] },
        () => true,
      ),
    ).toBeUndefined();
    expect(catalog.cheaperFallback(current, prompt, { allowedTiers: ['fast'] }, () => true)).toBe(
      undefined,
    );
    expect(
      catalog.cheaperFallback({ model: 'small', tier: 'fast' }, prompt, policy, () => true),
    ).toBeUndefined();
  });
});
