import { AgentRegistry, createLogger, QueueNames } from '@tta/core';
import { defineAgent, resolveAgentRuntimeOptions } from '@tta/agent-sdk';
import { Redis } from 'ioredis';

// Never connected: resolving options must not need Redis.
const connection = new Redis({ lazyConnect: true });
const names = new QueueNames('{tta}');
const base = {
  connection,
  names,
  registry: new AgentRegistry(connection, { names }),
  logger: createLogger({ level: 'error' }),
};
const definition = defineAgent({
  type: 'teller',
  capabilities: ['story.tell'],
  labels: { tier: 'quality' },
  handler: async () => 'ok',
});

describe('AgentRuntime labels', () => {
  it("default to the definition's labels", () => {
    expect(resolveAgentRuntimeOptions(definition, base).labels).toEqual({ tier: 'quality' });
  });

  it('are overridden by the labels option', () => {
    const resolved = resolveAgentRuntimeOptions(definition, { ...base, labels: { tier: 'fast' } });
    expect(resolved.labels).toEqual({ tier: 'fast' });
  });

  it('are refused at once when invalid', () => {
    expect(() =>
      resolveAgentRuntimeOptions(definition, {
        ...base,
        labels: { a: '1', b: '2', c: '3', d: '4' },
      }),
    ).toThrow('AgentRuntime: labels: at most 3 labels');
    expect(() =>
      resolveAgentRuntimeOptions(definition, { ...base, labels: { tier: 'fast lane' } }),
    ).toThrow(/AgentRuntime: labels: tier: /);
    expect(connection.status).toBe('wait');
  });
});
