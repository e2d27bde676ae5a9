import { LlmCallIds, type LlmRequest } from '@tta/agent-sdk';

const ask = (content: string, extra: Partial<LlmRequest> = {}): LlmRequest => ({
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('LlmCallIds', () => {
  it('names equal requests of a run by their order, and the same in another run', () => {
    const run = new LlmCallIds();
    const ids = [ask('a'), ask('b'), ask('a')].map((request) => run.next(request));
    expect(ids[0]).toMatch(/^[0-9a-f]{32}:0$/);
    expect(ids[2]).toBe(`${ids[0]?.split(':')[0]}:1`);
    expect(ids[1]).not.toBe(ids[0]);
    const again = new LlmCallIds();
    expect([ask('a'), ask('b'), ask('a')].map((request) => again.next(request))).toEqual(ids);
  });

  it('tells requests apart by model, tier, limits and roles, not by their signal', () => {
    const id = (request: LlmRequest) => new LlmCallIds().next(request);
    const base = id(ask('a'));
    expect(id(ask('a', { model: 'big' }))).not.toBe(base);
    expect(id(ask('a', { tier: 'fast' }))).not.toBe(base);
    expect(id(ask('a', { maxTokens: 10 }))).not.toBe(base);
    expect(id(ask('a', { temperature: 0 }))).not.toBe(base);
    expect(id({ messages: [{ role: 'system', content: 'a' }] })).not.toBe(base);
    expect(id(ask('a', { signal: new AbortController().signal }))).toBe(base);
  });
});
