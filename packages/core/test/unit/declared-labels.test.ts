import { configuredLabelSets, isDeclared, undeclaredLabels } from '@tta/core';

describe('configuredLabelSets', () => {
  it('declares the labels of the agent type serving each capability, then its own pools', () => {
    const sets = configuredLabelSets({
      capabilities: {
        'story.tell': { agentType: 'teller', pools: [{ locale: 'de' }] },
        'story.read': { agentType: 'teller' },
        'world.update': { agentType: 'builder', pools: [{}] },
      },
      agents: { teller: { labels: { tier: 'fast' } }, builder: {} },
    });
    expect(sets).toEqual({
      'story.tell': [{ tier: 'fast' }, { locale: 'de' }],
      'story.read': [{ tier: 'fast' }],
      'world.update': [],
    });
  });

  it('declares nothing for an agent type without config', () => {
    const sets = configuredLabelSets({
      capabilities: { 'story.tell': { agentType: 'elsewhere' } },
      agents: {},
    });
    expect(sets).toEqual({ 'story.tell': [] });
  });
});

describe('isDeclared', () => {
  const declared = [{ tier: 'fast', locale: 'en' }, { tier: 'slow' }];

  it.each([
    [{}, true],
    [{ tier: 'fast' }, true],
    [{ locale: 'en', tier: 'fast' }, true],
    [{ tier: 'slow' }, true],
    [{ tier: 'slow', locale: 'en' }, false],
    [{ tier: 'Fast' }, false],
    [{ tier: 'turbo' }, false],
    [{ region: 'eu' }, false],
  ])('%j: %s', (requirements, expected) => {
    expect(isDeclared(requirements, declared)).toBe(expected);
  });

  it('declares nothing but {} when no set is declared', () => {
    expect(isDeclared({}, [])).toBe(true);
    expect(isDeclared({ tier: 'fast' }, [])).toBe(false);
  });
});

describe('undeclaredLabels', () => {
  const declared = [{ tier: 'fast', locale: 'en' }, { tier: 'slow' }];

  it('names the pairs no set carries', () => {
    expect(undeclaredLabels({ tier: 'turbo', locale: 'en', region: 'eu' }, declared)).toEqual({
      tier: 'turbo',
      region: 'eu',
    });
  });

  it('is empty when each pair is carried by some set, even by no one set together', () => {
    expect(undeclaredLabels({ tier: 'slow', locale: 'en' }, declared)).toEqual({});
  });
});
