import { estimatePromptTokens, estimateTokens, OfflineProvider } from '@tta/agent-sdk';

const provider = new OfflineProvider();
const messages = [
  { role: 'system' as const, content: 'Be kind.' },
  { role: 'user' as const, content: 'Tell me   about the\nlake.' },
];

describe('OfflineProvider', () => {
  it('answers the same prompt with the same text, from the last user message', async () => {
    const first = await provider.complete({ messages });
    const second = await provider.complete({ messages });
    expect(first).toEqual(second);
    expect(first.text).toMatch(/^Offline reply [0-9a-f]{8}: Tell me about the lake\.$/);
    expect(first.model).toBe('offline');
    const other = await provider.complete({
      messages: [...messages.slice(0, 1), { role: 'user', content: 'Tell me about the hill.' }],
    });
    expect(other.text).not.toBe(first.text);
  });

  it('estimates tokens from characters and keeps within maxTokens', async () => {
    const answer = await provider.complete({ messages, maxTokens: 3 });
    expect(answer.text).toHaveLength(12);
    expect(answer.usage).toEqual({
      inputTokens: estimatePromptTokens(messages),
      outputTokens: estimateTokens(answer.text),
    });
    expect(estimateTokens('abcdefgh')).toBe(2);
    expect(estimatePromptTokens(messages)).toBe(2 + 4 + 7 + 4);
  });

  it('rejects once its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(provider.complete({ messages, signal: controller.signal })).rejects.toThrow(
      'stop',
    );
  });
});
