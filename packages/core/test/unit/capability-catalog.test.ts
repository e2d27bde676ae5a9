import { Redis } from 'ioredis';
import {
  AgentRegistry,
  CapabilityCatalog,
  loadConfig,
  QueueNames,
  TaskRouter,
  UnknownCapabilityError,
} from '@tta/core';

const config = loadConfig({ env: {} });

describe('CapabilityCatalog', () => {
  const catalog = new CapabilityCatalog({
    ...config.capabilities,
    'story.tell': { agentType: 'teller', description: 'Tell a story', attempts: 1 },
  });

  it('lists the capabilities sorted by name', () => {
    expect(catalog.names()).toEqual([
      'input.parse',
      'narrative.generate',
      'safety.screen',
      'story.tell',
      'world.read',
      'world.update',
    ]);
    expect(catalog.list().map((entry) => entry.name)).toEqual(catalog.names());
  });

  it('gives the settings of a capability, with schemas for the built-ins only', () => {
    const builtIn = catalog.get('world.update');
    expect(builtIn).toMatchObject({ name: 'world.update', agentType: 'world-builder' });
    expect(builtIn.schemas?.requiresSession).toBe(true);
    const custom = catalog.get('story.tell');
    expect(custom).toMatchObject({ name: 'story.tell', agentType: 'teller', attempts: 1 });
    expect(custom.schemas).toBeUndefined();
  });

  it('answers has() for known and unknown names', () => {
    expect(catalog.has('input.parse')).toBe(true);
    expect(catalog.has('input.parsed')).toBe(false);
    expect(catalog.has('constructor')).toBe(false);
  });

  it('throws UnknownCapabilityError naming the capability and the known ones', () => {
    let error: unknown;
    try {
      catalog.get('dream.weave');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnknownCapabilityError);
    expect(error).toMatchObject({
      code: 'unknown_capability',
      message: "unknown capability 'dream.weave'",
      details: { capability: 'dream.weave', known: catalog.names() },
    });
  });

  it('finds the capabilities of an agent type', () => {
    expect(catalog.forAgentType('input-processor')).toEqual(['input.parse', 'safety.screen']);
    expect(catalog.forAgentType('teller')).toEqual(['story.tell']);
    expect(catalog.forAgentType('nobody')).toEqual([]);
  });
});

describe('TaskRouter', () => {
  const catalog = new CapabilityCatalog(config.capabilities);
  const names = new QueueNames('{tta}');

  it('routes a capability to its generic queue', async () => {
    const router = new TaskRouter(catalog, { names });
    await expect(router.route({ capability: 'narrative.generate' })).resolves.toEqual({
      capability: 'narrative.generate',
      queue: 'cap.narrative.generate',
    });
  });

  it('rejects an unknown capability with code unknown_capability', async () => {
    const router = new TaskRouter(catalog, { names });
    const routed = router.route({ capability: 'dream.weave' });
    await expect(routed).rejects.toBeInstanceOf(UnknownCapabilityError);
    await expect(routed).rejects.toMatchObject({ code: 'unknown_capability' });
  });

  it('lists the queues of a capability and of the whole catalog', () => {
    const router = new TaskRouter(catalog, { names });
    expect(router.queuesOf('world.read')).toEqual(['cap.world.read']);
    expect(router.allQueues()).toEqual(catalog.names().map((name) => `cap.${name}`));
    expect(() => router.queuesOf('dream.weave')).toThrow(UnknownCapabilityError);
  });

  it("refuses to be built for 'refuse' without a registry", () => {
    expect(() => new TaskRouter(catalog, { names, noLiveAgent: 'refuse' })).toThrow(
      "noLiveAgent 'refuse' needs a registry",
    );
  });

  it("can be built for 'refuse' with a registry, without touching Redis", () => {
    // Never connected: building a router must not need Redis.
    const redis = new Redis({ lazyConnect: true });
    const registry = new AgentRegistry(redis, { names });
    expect(() => new TaskRouter(catalog, { names, registry, noLiveAgent: 'refuse' })).not.toThrow();
    expect(redis.status).toBe('wait');
  });
});
