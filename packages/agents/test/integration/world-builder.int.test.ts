import { randomUUID } from 'node:crypto';
import { AppError, loadConfig, ValidationError, VersionConflictError } from '@tta/core';
import { builtInCapabilitySchemas, type WorldState } from '@tta/contracts';
import type { ResolvedAgentDefinition } from '@tta/agent-sdk';
import { builtInAgents, createWorldBuilder, loadSafetyLexicon } from '@tta/agents';
import { createTestRedis, deletePrefix, uniqueNames } from '@tta/test-utils';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { agentTask, createTaskContext } from '../task-context';

const SESSION_TTL_MS = 60_000;
const updateOutput = builtInCapabilitySchemas['world.update'].output;
const readOutput = builtInCapabilitySchemas['world.read'].output;

describe('world-builder (Redis)', () => {
  const names = uniqueNames();
  const connections: Redis[] = [];
  let agents: ResolvedAgentDefinition[];
  let redis: Redis;

  beforeAll(() => {
    // Four connections stand for four worker processes updating the same sessions.
    for (let i = 0; i < 4; i += 1) connections.push(createTestRedis());
    redis = connections[0]!;
    agents = connections.map((connection) =>
      createWorldBuilder({ redis: connection, names, sessionTtlMs: SESSION_TTL_MS }),
    );
  });

  afterAll(async () => {
    await deletePrefix(redis, names.prefix);
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  const newSession = () => `s-${randomUUID()}`;

  async function update(sessionId: string, input: Record<string, unknown>, agent = agents[0]!) {
    const output = await agent.handler(
      agentTask('world.update', input, { sessionId }),
      createTaskContext('world-builder'),
    );
    return updateOutput.parse(output);
  }

  async function read(sessionId: string) {
    const output = await agents[0]!.handler(
      agentTask('world.read', {}, { sessionId }),
      createTaskContext('world-builder', { tools: agents[0]!.tools }),
    );
    return readOutput.parse(output);
  }

  test('world.read creates the starting world at version 0 under the session key, with a TTL', async () => {
    const sessionId = newSession();
    const key = names.key('world', sessionId);
    expect(await redis.exists(key)).toBe(0);
    const { world, version } = await read(sessionId);
    expect(version).toBe(0);
    expect(world).toMatchObject({ location: 'meadow', inventory: [], turn: 0 });
    expect(await redis.hget(key, 'version')).toBe('0');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(SESSION_TTL_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(SESSION_TTL_MS);
    expect(await read(sessionId)).toEqual({ world, version: 0 });
  });

  test('a sequence of moves and takes changes the world, one version and turn each', async () => {
    const sessionId = newSession();
    const steps = [
      await update(sessionId, { text: 'go north' }),
      await update(sessionId, { intent: { verb: 'take', target: 'lantern' } }),
      await update(sessionId, { text: 'climb up the hill' }),
      await update(sessionId, { text: 'drop the lantern' }),
      await update(sessionId, { text: 'go west' }),
    ];
    expect(steps.map((s) => [s.version, s.world.turn, s.world.location, s.applied])).toEqual([
      [1, 1, 'lakeside', true],
      [2, 2, 'lakeside', true],
      [3, 3, 'hilltop', true],
      [4, 4, 'hilltop', true],
      [5, 5, 'hilltop', false],
    ]);
    expect(steps[4]!.changes[0]).toMatch(/^There is no path west from the grassy hilltop/);
    const stored = await read(sessionId);
    expect(stored.version).toBe(5);
    expect(stored.world).toMatchObject({
      location: 'hilltop',
      inventory: [],
      visited: ['meadow', 'lakeside', 'hilltop'],
    });
    expect(stored.world.items.hilltop).toEqual(['kite', 'lantern']);
    expect(stored.world.items.lakeside).toEqual(['feather']);
    expect(await redis.pttl(names.key('world', sessionId))).toBeGreaterThan(0);
  });

  test('applies with a matching expectedVersion, and refuses a stale one without writing', async () => {
    const sessionId = newSession();
    await update(sessionId, { text: 'go east' });
    expect(await update(sessionId, { text: 'take the seeds', expectedVersion: 1 })).toMatchObject({
      version: 2,
      applied: true,
    });
    const stale = update(sessionId, { text: 'go west', expectedVersion: 1 });
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({
      code: 'version_conflict',
      details: { expected: 1, actual: 2 },
    });
    expect(await read(sessionId)).toMatchObject({ version: 2, world: { location: 'garden' } });
  });

  test('20 concurrent updates of one session without expectedVersion all apply', async () => {
    const sessionId = newSession();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        update(sessionId, { intent: { verb: 'rest' } }, agents[i % agents.length]),
      ),
    );
    expect(results.every((r) => r.applied)).toBe(true);
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const { world, version } = await read(sessionId);
    expect(version).toBe(20);
    expect(world.turn).toBe(20);
    expect(world.flags.rest_count).toBe(20);
  });

  test('two concurrent updates with the same expectedVersion: exactly one applies', async () => {
    const sessionId = newSession();
    await read(sessionId);
    const outcomes = await Promise.allSettled([
      update(sessionId, { text: 'take the stone', expectedVersion: 0 }, agents[0]),
      update(sessionId, { text: 'go north', expectedVersion: 0 }, agents[1]),
    ]);
    const applied = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(applied).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
    const { version, world } = await read(sessionId);
    expect(version).toBe(1);
    expect(world.turn).toBe(1);
  });

  test('needs a session id and valid input', async () => {
    const ctx = createTaskContext('world-builder', { tools: agents[0]!.tools });
    await expect(agents[0]!.handler(agentTask('world.read', {}), ctx)).rejects.toThrow(
      'invalid sessionId: world.read needs a session id',
    );
    await expect(
      agents[0]!.handler(agentTask('world.update', {}, { sessionId: newSession() }), ctx),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      agents[0]!.handler(agentTask('world.read', {}, { sessionId: 'no spaces' }), ctx),
    ).rejects.toThrow('invalid sessionId');
  });

  test('a task run twice (failover) is applied once and answered with its recorded result', async () => {
    const sessionId = newSession();
    const task = agentTask('world.update', { text: 'go north' }, { sessionId });
    const first = updateOutput.parse(
      await agents[0]!.handler(task, createTaskContext('world-builder')),
    );
    // The same task again on another agent, concurrently with a different task.
    const [again, other] = await Promise.all([
      agents[1]!.handler(task, createTaskContext('world-builder')),
      update(sessionId, { text: 'look around' }, agents[2]),
    ]);
    expect(updateOutput.parse(again)).toEqual(first);
    expect(other.version).toBe(first.version + 1);
    expect((await read(sessionId)).world.turn).toBe(2);
  });

  test('writes nothing when the task is aborted', async () => {
    const sessionId = newSession();
    const ctx = createTaskContext();
    ctx.controller.abort(new Error('cancelled'));
    await expect(
      agents[0]!.handler(agentTask('world.update', { text: 'go north' }, { sessionId }), ctx),
    ).rejects.toThrow('cancelled');
    expect(await redis.exists(names.key('world', sessionId))).toBe(0);
  });

  test('refuses a stored world that is not a valid world state', async () => {
    const sessionId = newSession();
    const key = names.key('world', sessionId);
    const broken: Partial<WorldState> = { location: 'meadow' };
    await redis.hset(key, 'version', '3', 'state', JSON.stringify(broken));
    await redis.pexpire(key, SESSION_TTL_MS);
    const failure = update(sessionId, { text: 'look' });
    await expect(failure).rejects.toBeInstanceOf(AppError);
    await expect(failure).rejects.toMatchObject({ code: 'invalid_world_state' });
  });

  test('each built-in agent serves the capabilities the catalog gives its type', () => {
    const config = loadConfig();
    const lexicon = loadSafetyLexicon(path.resolve(config.configDir, config.safety.lexiconFile));
    for (const [type, factory] of Object.entries(builtInAgents)) {
      const definition = factory({ redis, names, lexicon });
      const catalogued = Object.entries(config.capabilities)
        .filter(([, capability]) => capability.agentType === type)
        .map(([name]) => name);
      expect(definition.type).toBe(type);
      expect([...definition.capabilities].sort()).toEqual(catalogued.sort());
    }
  });
});
