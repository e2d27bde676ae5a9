import { agentQueues, labelSetProblem, poolName, QueueNames, TaskId } from '@tta/core';
import { taskRequestSchema } from '@tta/contracts';
import { labelSubsets, parsePoolName } from '../../src/labels/pool-name';

describe('poolName', () => {
  it('writes sorted key-value pairs joined by dots', () => {
    expect(poolName({ tier: 'fast' })).toBe('tier-fast');
    expect(poolName({ tier: 'fast', locale: 'en' })).toBe('locale-en.tier-fast');
    expect(poolName({ locale: 'en', tier: 'fast' })).toBe('locale-en.tier-fast');
    expect(poolName({ b: '2', a: '1', c: '3' })).toBe('a-1.b-2.c-3');
  });

  it('encodes keys and values that are not plain lower case, and stays a valid queue name', () => {
    expect(poolName({ locale: 'en-US' })).toBe('locale-0656e2d5553');
    expect(poolName({ Tier: 'fast' })).toBe('054696572-fast');
    expect(poolName({ model: 'gpt_4.1' })).toBe('model-06770745f342e31');
    expect(poolName({ gpu: '0' })).toBe('gpu-030');
    const name = poolName({ 'a.b': 'c-d', E_F: '007' });
    expect(name).toMatch(/^[a-z0-9.-]+$/);
    expect(TaskId.parse(TaskId.create(`cap.narrative.generate.${name}`))?.queue).toBe(
      `cap.narrative.generate.${name}`,
    );
  });

  it('gives different label sets different names', () => {
    const sets: Array<Record<string, string>> = [
      { tier: 'fast' },
      { tier: 'Fast' },
      { 'tier-fast': 'x' },
      { tier: 'fast.locale-en' },
      { tier: 'fast', locale: 'en' },
      { 'locale-en.tier': 'fast' },
      { a: 'b-c' },
      { 'a-b': 'c' },
    ];
    const names = sets.map(poolName);
    expect(new Set(names).size).toBe(sets.length);
  });

  it('refuses an empty or invalid label set', () => {
    expect(() => poolName({})).toThrow('at least one label');
    expect(() => poolName({ a: '1', b: '2', c: '3', d: '4' })).toThrow('at most 3 labels');
    expect(() => poolName({ tier: 'fast lane' })).toThrow(TypeError);
    expect(() => poolName({ tier: '' })).toThrow(TypeError);
  });
});

describe('parsePoolName', () => {
  it.each([
    [{ tier: 'fast' }],
    [{ tier: 'fast', locale: 'en' }],
    [{ locale: 'en-US', Tier: 'x_y', model: 'gpt-4.1' }],
    [{ gpu: '0' }],
    [{ n: '10' }],
  ])('inverts poolName for %j', (labels) => {
    expect(parsePoolName(poolName(labels))).toEqual(labels);
  });

  it.each([
    ['', 'empty'],
    ['tier', 'a pair without value'],
    ['tier-fast-x', 'three parts'],
    ['tier-fast.tier-slow', 'a key twice'],
    ['tier-fast.locale-en', 'pairs out of order'],
    ['tier-066617374', 'a plain value written encoded'],
    ['tier-0zz', 'bad hex'],
    ['tier-0666', 'odd hex'],
    ['tier-020', 'an encoded value that is no label (a space)'],
    ['a-1.b-2.c-3.d-4', 'four labels'],
    ['tier-Fast', 'upper case'],
  ])('refuses %j (%s)', (name) => {
    expect(parsePoolName(name)).toBeUndefined();
  });
});

describe('labelSubsets', () => {
  it('lists every non-empty subset, smallest first, then by pool name', () => {
    expect(labelSubsets({ tier: 'fast', locale: 'en' }).map(poolName)).toEqual([
      'locale-en',
      'tier-fast',
      'locale-en.tier-fast',
    ]);
    expect(labelSubsets({ a: '1', b: '2', c: '3' }).map(poolName)).toEqual([
      'a-1',
      'b-2',
      'c-3',
      'a-1.b-2',
      'a-1.c-3',
      'b-2.c-3',
      'a-1.b-2.c-3',
    ]);
  });

  it('is empty for no labels', () => {
    expect(labelSubsets({})).toEqual([]);
  });
});

describe('agentQueues', () => {
  const names = new QueueNames('{tta}');

  it('is the generic queue of each capability for an agent without labels', () => {
    expect(agentQueues(names, ['input.parse', 'safety.screen'], {})).toEqual([
      'cap.input.parse',
      'cap.safety.screen',
    ]);
  });

  it('adds one pool queue per non-empty subset of the labels, per capability', () => {
    expect(agentQueues(names, ['narrative.generate'], { tier: 'fast', locale: 'en' })).toEqual([
      'cap.narrative.generate',
      'cap.narrative.generate.locale-en',
      'cap.narrative.generate.tier-fast',
      'cap.narrative.generate.locale-en.tier-fast',
    ]);
    expect(agentQueues(names, ['a.b', 'c.d'], { x: '1', y: '2', z: '3' })).toHaveLength(16);
  });
});

describe('label sets in schemas', () => {
  it('accepts up to 3 labels of letters, digits, dot, dash or underscore', () => {
    expect(labelSetProblem({ tier: 'fast', locale: 'en-US', 'model.v': 'gpt_4' })).toBeUndefined();
    expect(labelSetProblem({ a: '1', b: '2', c: '3', d: '4' })).toBe('at most 3 labels');
    expect(labelSetProblem({ tier: 'fast lane' })).toMatch(/^tier: letters, digits/);
  });

  it('limits task requirements the same way', () => {
    const task = (requirements: unknown) =>
      taskRequestSchema.safeParse({ capability: 'x', input: {}, requirements }).success;
    expect(task({ tier: 'fast' })).toBe(true);
    expect(task({ a: '1', b: '2', c: '3', d: '4' })).toBe(false);
    expect(task({ tier: 'fast/slow' })).toBe(false);
  });
});
