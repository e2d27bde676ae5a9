import {
  CapabilityCatalog,
  ConfigError,
  QueueNames,
  TaskRouter,
  UnknownRequirementsError,
  ValidationError,
} from '@tta/core';

function catalogOf(...names: string[]): CapabilityCatalog {
  return new CapabilityCatalog(
    Object.fromEntries(names.map((name) => [name, { agentType: 'teller', description: '' }])),
  );
}

const names = new QueueNames('{tta}');
const router = new TaskRouter(catalogOf('story.tell', 'story.tell-more'), {
  names,
  pools: { 'story.tell': [{ tier: 'fast', locale: 'en' }, { tier: 'slow' }] },
});

describe('TaskRouter without a registry', () => {
  it('routes a task without requirements to the generic queue', async () => {
    await expect(router.route({ capability: 'story.tell' })).resolves.toEqual({
      capability: 'story.tell',
      queue: 'cap.story.tell',
    });
    await expect(router.route({ capability: 'story.tell', requirements: {} })).resolves.toEqual({
      capability: 'story.tell',
      queue: 'cap.story.tell',
    });
  });

  it('routes a task with requirements to the exact pool queue of its requirements', async () => {
    await expect(
      router.route({ capability: 'story.tell', requirements: { tier: 'fast', locale: 'en' } }),
    ).resolves.toEqual({ capability: 'story.tell', queue: 'cap.story.tell.locale-en.tier-fast' });
  });

  it('accepts any part of a declared label set', async () => {
    await expect(
      router.route({ capability: 'story.tell', requirements: { locale: 'en' } }),
    ).resolves.toEqual({ capability: 'story.tell', queue: 'cap.story.tell.locale-en' });
    await expect(
      router.route({ capability: 'story.tell', requirements: { tier: 'slow' } }),
    ).resolves.toEqual({ capability: 'story.tell', queue: 'cap.story.tell.tier-slow' });
  });

  it('refuses a label no set declares with unknown_requirements naming it', async () => {
    const routed = router.route({
      capability: 'story.tell',
      requirements: { tier: 'turbo', locale: 'en' },
    });
    await expect(routed).rejects.toBeInstanceOf(UnknownRequirementsError);
    await expect(routed).rejects.toMatchObject({
      code: 'unknown_requirements',
      message:
        "unknown label tier=turbo for 'story.tell': neither a live agent nor config declares it",
      details: {
        capability: 'story.tell',
        requirements: { tier: 'turbo', locale: 'en' },
        unknown: { tier: 'turbo' },
        declared: [{ tier: 'fast', locale: 'en' }, { tier: 'slow' }],
      },
    });
  });

  it('refuses declared labels that no one set carries together', async () => {
    const routed = router.route({
      capability: 'story.tell',
      requirements: { tier: 'slow', locale: 'en' },
    });
    await expect(routed).rejects.toMatchObject({
      code: 'unknown_requirements',
      message: expect.stringMatching(/^no declared pool carries tier=slow, locale=en together/),
      details: { unknown: {} },
    });
  });

  it('declares the labels of a capability for that capability only', async () => {
    await expect(
      router.route({ capability: 'story.tell-more', requirements: { tier: 'slow' } }),
    ).rejects.toMatchObject({ code: 'unknown_requirements', details: { declared: [] } });
  });

  it('refuses invalid requirements with a ValidationError naming the field', async () => {
    const routed = router.route({
      capability: 'story.tell',
      requirements: { a: '1', b: '2', c: '3', d: '4' },
    });
    await expect(routed).rejects.toBeInstanceOf(ValidationError);
    await expect(routed).rejects.toThrow('invalid requirements: at most 3 labels');
  });

  it('holds tasks in generic queues and declared pools only, without a registry', async () => {
    await expect(router.holdsTasks('cap.story.tell')).resolves.toBe(true);
    await expect(router.holdsTasks('cap.story.tell.locale-en')).resolves.toBe(true);
    await expect(router.holdsTasks('cap.story.tell.tier-turbo')).resolves.toBe(false);
    await expect(router.holdsTasks('cap.dream.weave')).resolves.toBe(false);
  });

  it('knows only the generic queues until it has read the registry', () => {
    expect(router.queuesOf('story.tell')).toEqual(['cap.story.tell']);
    expect(router.allQueues()).toEqual(['cap.story.tell', 'cap.story.tell-more']);
  });
});

describe('TaskRouter.parseQueue', () => {
  it.each([
    ['cap.story.tell', { capability: 'story.tell', labels: {} }],
    ['cap.story.tell-more', { capability: 'story.tell-more', labels: {} }],
    ['cap.story.tell.tier-fast', { capability: 'story.tell', labels: { tier: 'fast' } }],
    [
      'cap.story.tell-more.locale-0656e2d5553.tier-fast',
      { capability: 'story.tell-more', labels: { tier: 'fast', locale: 'en-US' } },
    ],
  ])('takes %s apart', (queue, parsed) => {
    expect(router.parseQueue(queue)).toEqual(parsed);
    expect(router.isTaskQueue(queue)).toBe(true);
  });

  it.each([
    ['cap.story', 'a capability outside the catalog'],
    ['cap.dream.weave', 'an unknown capability'],
    ['cap.story.tell.tier', 'a malformed pool'],
    ['cap.story.tell.tier-fast.locale-en', 'a pool out of canonical order'],
    ['cap.story.tell.', 'an empty pool'],
    ['workflow', 'another queue'],
  ])('refuses %s (%s)', (queue) => {
    expect(router.parseQueue(queue)).toBeUndefined();
    expect(router.isTaskQueue(queue)).toBe(false);
  });
});

describe('TaskRouter construction', () => {
  it('refuses capabilities whose queue names would collide with a pool queue', () => {
    expect(
      () => new TaskRouter(catalogOf('story.tell', 'story.tell.tier-fast'), { names }),
    ).toThrow(ConfigError);
  });

  it('refuses config that declares more pool queues than maxPools', () => {
    const pools = { 'story.tell': [{ a: '1', b: '2', c: '3' }, { d: '4' }] };
    expect(
      () => new TaskRouter(catalogOf('story.tell'), { names, pools, maxPools: 8 }),
    ).not.toThrow();
    expect(() => new TaskRouter(catalogOf('story.tell'), { names, pools, maxPools: 7 })).toThrow(
      'config declares 8 pool queues',
    );
  });

  it('accepts capabilities that merely share a prefix', () => {
    expect(
      () => new TaskRouter(catalogOf('story.tell', 'story.tell.more', 'story.teller'), { names }),
    ).not.toThrow();
  });
});
