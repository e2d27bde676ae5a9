import { randomUUID } from 'node:crypto';
import { stepTaskId, type WorkflowRunView } from '@tta/core';
import { builtInCapabilitySchemas } from '@tta/contracts';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const narrativeOutput = builtInCapabilitySchemas['narrative.generate'].output;

// The shipped workflows, run by an engine against the built-in agents.
describe('workflow engine: player-turn and session-recap', () => {
  let h: WorkflowHarness;

  beforeAll(async () => {
    h = await createWorkflowHarness();
    await h.startBuiltInAgents();
    await h.startEngine();
  });

  afterAll(async () => {
    await h.close();
  });

  const newSession = () => `s-${randomUUID()}`;

  async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const found = (await h.metrics.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (found?.values ?? []) as Array<{
      value: number;
      labels: Record<string, unknown>;
    }>;
    const match = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return match?.value ?? 0;
  }

  it('runs a turn through all three stages: the passage tells of the place the move led to', async () => {
    const sessionId = newSession();
    const started = await h.runs.start('player-turn', { input: { text: 'go north' }, sessionId });
    expect(started).toMatchObject({ status: 'queued', workflow: 'player-turn' });
    const run = await h.waitForRun(started.id);
    expect(run.status).toBe('completed');
    expect(run.outcome).toBe('completed');
    expect(run.stage).toBe('narrate');
    const result = run.result as {
      narrative: string;
      world: { location: string };
      intent: unknown;
    };
    expect(result.world.location).toBe('lakeside');
    expect(result.intent).toMatchObject({ verb: 'move', destination: 'north' });
    expect(result.narrative).toMatch(/lake/i);
    expect(result.narrative).toBe(narrativeOutput.parse(run.steps.narrate?.output).passage);
    expect(run.result?.safety).toMatchObject({ level: 'safe' });
    expect(Object.keys(run.steps).sort()).toEqual(['narrate', 'parse', 'safety', 'world']);
    for (const [id, step] of Object.entries(run.steps)) {
      expect(step.status).toBe('completed');
      expect(step.taskId).toMatch(new RegExp(`^cap\\.${step.capability.replace('.', '\\.')}~`));
      expect(step.agentId).toEqual(expect.any(String));
      expect(step.finishedAt).toBeGreaterThanOrEqual(step.startedAt ?? Infinity);
      expect(id).not.toBe('');
    }
    expect(run.steps.world?.capability).toBe('world.update');
    expect(run.errors).toEqual([]);
    expect(run.timings.startedAt).toBeGreaterThanOrEqual(run.timings.enqueuedAt);
    expect(run.timings.totalMs).toBeGreaterThanOrEqual(0);
    expect(run.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });

  it('ends a crisis turn after the screen, with the crisis response, an event, and no world or story task', async () => {
    const crisesBefore = await metric('tta_safety_crisis_total');
    // BullMQ counts every job ever added to a queue in its `id` key.
    const laterQueues = ['world.update', 'narrative.generate'].map((c) => h.names.capability(c));
    const added = () =>
      Promise.all(laterQueues.map((q) => h.redis.get(`${h.names.prefix}:${q}:id`)));
    const addedBefore = await added();
    const sessionId = newSession();
    const started = await h.runs.start('player-turn', {
      input: { text: 'I want to kill myself' },
      sessionId,
    });
    const run = await h.waitForRun(started.id);
    expect(run.status).toBe('completed');
    expect(run.outcome).toBe('crisis');
    expect(run.stage).toBe('understand');
    expect(run.result).toMatchObject({
      narrative: h.config.safety.crisisMessage,
      resources: h.config.safety.crisisResources,
      outcome: 'crisis',
      safety: { level: 'crisis', categories: expect.arrayContaining(['suicidal_ideation']) },
    });
    expect(Object.keys(run.steps).sort()).toEqual(['parse', 'safety']);

    const events = await h.redis.xrange(h.names.key('safety', 'events'), '-', '+');
    const mine = events
      .map(([, fields]) => Object.fromEntries(chunk(fields)))
      .filter((e) => e.runId === started.id);
    expect(mine).toEqual([
      {
        action: 'event',
        eventId: expect.stringMatching(/^sev_[0-9a-f]{24}$/),
        type: 'crisis',
        runId: started.id,
        sessionId,
        level: 'crisis',
        categories: expect.stringContaining('suicidal_ideation'),
        at: expect.stringMatching(/^\d+$/),
        event: expect.stringContaining('"inputHash":"'),
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('kill myself');
    expect(await metric('tta_safety_crisis_total')).toBe(crisesBefore + 1);
    expect(await metric('tta_safety_screens_total', { level: 'crisis' })).toBeGreaterThanOrEqual(1);
    expect(
      await metric('tta_workflow_runs_total', { workflow: 'player-turn', outcome: 'crisis' }),
    ).toBeGreaterThanOrEqual(1);

    expect(await added()).toEqual(addedBefore);
    for (const queue of laterQueues) {
      expect(
        await h.redis.exists(
          `${h.names.prefix}:${queue}:${stepTaskId(queue, started.id, 'world')}`,
        ),
      ).toBe(0);
      expect(
        await h.redis.exists(
          `${h.names.prefix}:${queue}:${stepTaskId(queue, started.id, 'narrate')}`,
        ),
      ).toBe(0);
    }
  });

  it('fans the recap out to two passages and keeps the longer one', async () => {
    const sessionId = newSession();
    const started = await h.runs.start('session-recap', { sessionId });
    const run = await h.waitForRun(started.id);
    expect(run.status).toBe('completed');
    const look = narrativeOutput.parse(run.steps.look?.output);
    const rest = narrativeOutput.parse(run.steps.rest?.output);
    expect(look.passage).not.toBe(rest.passage);
    const longer = look.passage.length >= rest.passage.length ? look : rest;
    expect(run.result?.recap).toEqual(longer);
    expect(run.result?.world).toMatchObject({ location: 'meadow' });
    expect(run.steps.world?.capability).toBe('world.read');
  });

  it('processes two runs of one session in the order they were accepted', async () => {
    const sessionId = newSession();
    const first = await h.runs.start('player-turn', { input: { text: 'go north' }, sessionId });
    const second = await h.runs.start('player-turn', { input: { text: 'go south' }, sessionId });
    const [a, b] = await Promise.all([h.waitForRun(first.id), h.waitForRun(second.id)]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(worldOf(a)).toMatchObject({ location: 'lakeside', turn: 1 });
    expect(worldOf(b)).toMatchObject({ location: 'meadow', turn: 2 });
    // The second run started only once the first had ended.
    expect(b.timings.startedAt).toBeGreaterThanOrEqual(a.timings.finishedAt ?? Infinity);
  });

  it('refuses bad input before anything is queued', async () => {
    await expect(h.runs.start('player-turn', { input: { text: 'hi' } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('sessionId'),
    });
    await expect(
      h.runs.start('player-turn', { input: { text: '   ' }, sessionId: 's' }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^invalid input\.text/),
    });
    await expect(h.runs.start('player-turn', { input: {}, sessionId: 's' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('input.text'),
    });
    await expect(h.runs.start('player-tun', { input: {} })).rejects.toMatchObject({
      code: 'unknown_workflow',
    });
    await expect(h.runs.get('workflow~00000000-0000-4000-8000-000000000000')).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
  });
});

function worldOf(run: WorkflowRunView): unknown {
  return (run.result as { world?: unknown } | undefined)?.world;
}

function chunk(fields: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([fields[i] ?? '', fields[i + 1] ?? '']);
  return pairs;
}
