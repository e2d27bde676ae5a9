import { agentControlChannel, drainKey, parseAgentCommand, QueueNames } from '@tta/core';

describe('agent control names', () => {
  it('puts the channel and the drain keys under the prefix', () => {
    const names = new QueueNames('{ops}');
    expect(agentControlChannel(names)).toBe('{ops}:agent-control');
    expect(drainKey(names, 'narrator-1')).toBe('{ops}:drain:narrator-1');
  });
});

describe('parseAgentCommand', () => {
  it('reads a drain command', () => {
    const text = JSON.stringify({
      command: 'drain',
      agentId: 'a-1',
      reason: 'recycle',
      requestedAt: 17,
    });
    expect(parseAgentCommand(text)).toEqual({
      command: 'drain',
      agentId: 'a-1',
      reason: 'recycle',
      requestedAt: 17,
    });
  });

  it('fills a missing reason and time', () => {
    expect(parseAgentCommand('{"command":"drain","agentId":"a-1"}')).toEqual({
      command: 'drain',
      agentId: 'a-1',
      reason: '',
      requestedAt: 0,
    });
  });

  it.each([
    ['nothing', null],
    ['an empty text', ''],
    ['text that is not JSON', 'drain a-1'],
    ['JSON that is no object', '"drain"'],
    ['JSON null', 'null'],
    ['another command', '{"command":"explode","agentId":"a-1"}'],
    ['no agent id', '{"command":"drain"}'],
    ['an empty agent id', '{"command":"drain","agentId":""}'],
  ])('ignores %s', (_what, text) => {
    expect(parseAgentCommand(text)).toBeUndefined();
  });
});
