import { QueueNames } from '@tta/core';

describe('QueueNames', () => {
  it('uses {tta} by default', () => {
    expect(new QueueNames().prefix).toBe('{tta}');
  });

  it.each(['{tta}', '{tta-0}', '{test-1a2b3c4d}'])('accepts the hash-tag prefix %s', (prefix) => {
    expect(new QueueNames(prefix).prefix).toBe(prefix);
  });

  it.each(['tta', '{}', '{tta', 'tta}', '{a}{b}', '{a{b}}', ''])(
    'refuses the prefix %j, which would not keep all keys on one cluster slot',
    (prefix) => {
      expect(() => new QueueNames(prefix)).toThrow('queue prefix must be a hash tag');
    },
  );

  it('names capability queues, with or without a pool', () => {
    const names = new QueueNames('{tta}');
    expect(names.capability('narrative.generate')).toBe('cap.narrative.generate');
    expect(names.capability('narrative.generate', 'fast')).toBe('cap.narrative.generate.fast');
    expect(names.capability('narrative.generate', '')).toBe('cap.narrative.generate');
  });

  it('names the workflow and dead-letter queues', () => {
    const names = new QueueNames('{tta}');
    expect(names.workflow).toBe('workflow');
    expect(names.deadLetter).toBe('dead-letter');
  });

  it('builds plain keys under the prefix', () => {
    expect(new QueueNames('{tta-1}').key('registry', 'agent', 'a1')).toBe(
      '{tta-1}:registry:agent:a1',
    );
    expect(new QueueNames().key('supervisor', 'leader')).toBe('{tta}:supervisor:leader');
  });
});
