import { randomUUID } from 'node:crypto';
import {
  createLogger,
  createMetricsRegistry,
  DeadLetterQueue,
  SAFETY_WEBHOOK_QUEUE,
  SafetyEscalation,
  SafetyEventStore,
  type WorkflowRunView,
} from '@tta/core';
import { waitFor } from '@tta/test-utils';
import type { Registry } from 'prom-client';
import { WebhookReceiver, verifySignature } from './webhook-receiver';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const SECRET = 'test-webhook-secret';

describe('safety beyond one turn (engine, agents, webhooks)', () => {
  let h: WorkflowHarness;
  let receiver: WebhookReceiver;
  let escalation: SafetyEscalation;
  let store: SafetyEventStore;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    const url = await receiver.listen();
    h = await createWorkflowHarness({
      config: {
        safety: {
          webhooks: { urls: [url], secret: SECRET, backoffMs: 200, attempts: 3 },
          events: { renotifyAfterMs: 1500 },
          disclosure: { periodMs: 2000 },
          breaks: { afterMs: 1500, gapMs: 60_000 },
        },
      },
    });
    await h.startBuiltInAgents();
    await h.startEngine();
    escalation = new SafetyEscalation({
      connection: h.redis,
      names: h.names,
      config: h.config.safety,
      logger: createLogger({ level: 'error' }),
    });
    await escalation.start();
    store = escalation.store;
  });

  afterAll(async () => {
    await escalation.close();
    await h.close();
    await receiver.close();
  });

  const newSession = () => `s-${randomUUID()}`;
  async function turn(sessionId: string, text: string): Promise<WorkflowRunView> {
    const started = await h.runs.start('player-turn', { input: { text }, sessionId });
    return h.waitForRun(started.id);
  }
  const resultOf = (run: WorkflowRunView) =>
    run.result as {
      narrative: string;
      checkIn?: string;
      disclosure?: string;
      resources?: unknown[];
      safety: {
        level: string;
        screenLevel?: string;
        supportive: boolean;
        reasons: string[];
        eventId?: string;
        resources?: unknown[];
      };
    };

  it('adds up two turns that are each concern at most into a crisis on the second, then stays supportive', async () => {
    const sessionId = newSession();
    const first = await turn(sessionId, 'i feel like such a burden to everyone');
    expect(first.outcome).toBe('completed');
    expect(resultOf(first).safety).toMatchObject({ level: 'concern', screenLevel: 'concern' });
    const second = await turn(sessionId, 'nobody would even notice if i stopped logging in');
    expect(second.outcome).toBe('crisis');
    expect(resultOf(second).safety).toMatchObject({
      level: 'crisis',
      screenLevel: 'concern',
      reasons: ['score'],
    });
    expect(resultOf(second).narrative).toBe(h.config.safety.crisisMessage);
    expect(second.steps.narrate).toBeUndefined();
    const third = await turn(sessionId, 'look around');
    expect(third.outcome).toBe('completed');
    expect(resultOf(third).safety).toMatchObject({ level: 'safe', supportive: true });
    expect(resultOf(third).narrative.startsWith(resultOf(third).checkIn ?? '\u0000')).toBe(true);
  });

  it('continues a concern turn with a check-in first, and the run result carries the level', async () => {
    const run = await turn(newSession(), 'i feel so alone lately');
    expect(run.outcome).toBe('completed');
    const result = resultOf(run);
    expect(result.safety.level).toBe('concern');
    expect(result.safety.resources).toEqual(h.config.safety.crisisResources);
    expect(result.checkIn).toEqual(expect.any(String));
    expect(result.narrative.startsWith(`${result.checkIn ?? ''}\n\n`)).toBe(true);
    const event = await store.get(result.safety.eventId ?? '');
    expect(event).toMatchObject({
      type: 'concern',
      shown: 'check_in',
      status: 'open',
      level: 'concern',
    });
    expect(JSON.stringify(event)).not.toContain('alone');
  });

  it('discloses the AI on the first turn of a session and again after the period', async () => {
    const sessionId = newSession();
    expect(resultOf(await turn(sessionId, 'look around')).disclosure).toBe(
      h.config.safety.disclosure.message,
    );
    expect(resultOf(await turn(sessionId, 'go north')).disclosure).toBeUndefined();
    // Letting the disclosure period (2 s) pass is the point.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(resultOf(await turn(sessionId, 'go south')).disclosure).toBe(
      h.config.safety.disclosure.message,
    );
  });

  it('suggests a break after a stretch of continuous play, at the end of the passage, once per stretch', async () => {
    const sessionId = newSession();
    const first = resultOf(await turn(sessionId, 'look around')) as { breakSuggestion?: string };
    expect(first.breakSuggestion).toBeUndefined();
    // Letting a stretch of play (1.5 s) pass is the point.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const second = resultOf(await turn(sessionId, 'go north'));
    const suggestion = (second as { breakSuggestion?: string }).breakSuggestion;
    expect(suggestion).toEqual(expect.any(String));
    expect(second.narrative.endsWith(suggestion ?? '\u0000')).toBe(true);
    const third = resultOf(await turn(sessionId, 'go south')) as { breakSuggestion?: string };
    expect(third.breakSuggestion).toBeUndefined();
  });

  it('delivers a signed crisis event to the webhook within 2 s, retries after a 500, and notifies again until acknowledged', async () => {
    receiver.failFirst = 1;
    const run = await turn(newSession(), 'I want to kill myself');
    const finishedAt = run.timings.finishedAt ?? Date.now();
    expect(run.outcome).toBe('crisis');
    const eventId = resultOf(run).safety.eventId ?? '';
    const [first, retry] = await waitFor(() => {
      const got = receiver.of(eventId).filter((d) => d.body.notification === 0);
      return got.length >= 2 ? got : undefined;
    });
    expect(first!.at - finishedAt).toBeLessThan(2000);
    expect(verifySignature(first!, SECRET)).toBe(true);
    expect(verifySignature(retry!, SECRET)).toBe(true);
    expect(first!.body.event).toMatchObject({
      id: eventId,
      type: 'crisis',
      level: 'crisis',
      runId: run.id,
    });
    expect(first!.raw).not.toContain('kill myself');
    // Not acknowledged: notified again after renotifyAfterMs.
    const again = await waitFor(() => receiver.of(eventId).find((d) => d.body.notification === 1), {
      timeoutMs: 8000,
    });
    expect(verifySignature(again, SECRET)).toBe(true);
    expect((await store.get(eventId)).notifications).toBeGreaterThanOrEqual(2);
    // Acknowledged: no notification after the one under way.
    await store.acknowledge(eventId, 'reviewer-1', 'called the player');
    const count = receiver.of(eventId).length;
    // Proving that nothing comes: over 1.5 renotification periods, no new notification.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(receiver.of(eventId).filter((d) => d.body.notification >= 3)).toEqual([]);
    expect(receiver.of(eventId).length).toBeLessThanOrEqual(count + 2);
    receiver.failFirst = 0;
  });
});

describe('fail closed: no input-processor', () => {
  let h: WorkflowHarness;

  beforeAll(async () => {
    h = await createWorkflowHarness({ config: { safety: { screenDeadlineMs: 1500 } } });
    await h.startBuiltInAgents(undefined, ['world-builder', 'narrative-generator']);
    await h.startEngine();
  });

  afterAll(async () => {
    await h.close();
  });

  it('ends the turn with the supportive response and a screen_unavailable event', async () => {
    const sessionId = `s-${randomUUID()}`;
    const started = await h.runs.start('player-turn', { input: { text: 'go north' }, sessionId });
    const run = await h.waitForRun(started.id);
    expect(run.status).toBe('completed');
    expect(run.outcome).toBe('screen_unavailable');
    expect(run.result).toMatchObject({
      narrative: h.config.safety.crisisMessage,
      resources: h.config.safety.crisisResources,
      outcome: 'screen_unavailable',
      safety: { level: 'unknown' },
    });
    expect(run.steps.world).toBeUndefined();
    expect(run.steps.narrate).toBeUndefined();
    expect(h.invocations['world.update'] ?? 0).toBe(0);
    const store = new SafetyEventStore(h.redis, { names: h.names });
    const { events } = await store.list({ sessionId });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'screen_unavailable',
        runId: started.id,
        status: 'open',
        shown: 'crisis_response',
      }),
    ]);
    const metrics = await h.metrics.getSingleMetricAsString('tta_safety_events_total');
    expect(metrics).toMatch(
      /tta_safety_events_total\{type="screen_unavailable",level="unknown"\} [1-9]/,
    );
  });
});

describe('fail closed: a screen that fails', () => {
  let h: WorkflowHarness;

  beforeAll(async () => {
    h = await createWorkflowHarness({
      capabilities: { 'safety.screen': { attempts: 2, backoffMs: 10 } },
    });
    await h.startBuiltInAgents((definition) => (task, ctx) => {
      if (task.capability === 'safety.screen') throw new Error('screen model failed to load');
      return definition.handler(task, ctx);
    });
    await h.startEngine();
  });

  afterAll(async () => {
    await h.close();
  });

  it('ends the turn with the supportive response, never the story, after the retries', async () => {
    const started = await h.runs.start('player-turn', {
      input: { text: 'go north' },
      sessionId: `s-${randomUUID()}`,
    });
    const run = await h.waitForRun(started.id);
    expect(run.outcome).toBe('screen_unavailable');
    expect(run.result).toMatchObject({
      narrative: h.config.safety.crisisMessage,
      outcome: 'screen_unavailable',
    });
    expect(h.invocations['safety.screen']).toBeGreaterThanOrEqual(2);
    expect(h.invocations['narrative.generate'] ?? 0).toBe(0);
    const events = await new SafetyEventStore(h.redis, { names: h.names }).list({ status: 'open' });
    expect(events.events.find((e) => e.runId === started.id)).toMatchObject({
      type: 'screen_unavailable',
      reason: expect.stringContaining('screen model failed to load'),
    });
  });
});

describe('escalation: a webhook that never answers 2xx', () => {
  let h: WorkflowHarness;
  let receiver: WebhookReceiver;
  let escalation: SafetyEscalation;
  let metrics: Registry;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    receiver.failFirst = 1000;
    const url = await receiver.listen();
    h = await createWorkflowHarness({
      config: { safety: { webhooks: { urls: [url], secret: SECRET, backoffMs: 50, attempts: 2 } } },
    });
    await h.startBuiltInAgents();
    await h.startEngine();
    metrics = createMetricsRegistry();
    escalation = new SafetyEscalation({
      connection: h.redis,
      names: h.names,
      config: h.config.safety,
      logger: createLogger({ level: 'error' }),
      metrics,
    });
    await escalation.start();
  });

  afterAll(async () => {
    await escalation.close();
    await h.close();
    await receiver.close();
  });

  it('dead-letters the delivery after the last attempt, visible and retryable in the dead-letter queue', async () => {
    const started = await h.runs.start('player-turn', {
      input: { text: 'I want to kill myself' },
      sessionId: `s-${randomUUID()}`,
    });
    const run = await h.waitForRun(started.id);
    const eventId = (run.result as { safety: { eventId: string } }).safety.eventId;
    await waitFor(() => (receiver.of(eventId).length >= 2 ? true : undefined));
    const deadLetters = new DeadLetterQueue({
      connection: h.redis,
      names: h.names,
      queues: () => [SAFETY_WEBHOOK_QUEUE],
    });
    try {
      const moved = await waitFor(async () => {
        const { moved } = await deadLetters.moveFailed();
        return moved.length > 0 ? moved : undefined;
      });
      const entry = await deadLetters.get(moved[0] ?? '');
      expect(entry).toMatchObject({
        queue: SAFETY_WEBHOOK_QUEUE,
        capability: 'safety.deliver',
        attempts: 2,
        task: { input: { eventId, notification: 0, target: 0 } },
        error: { message: expect.stringContaining('answered 500') },
      });
      expect(JSON.stringify(entry)).not.toContain('/hook');
      expect(await metrics.getSingleMetricAsString('tta_safety_webhook_deliveries_total')).toMatch(
        /outcome="dead_lettered"\} 1/,
      );
      // Retried from the dead-letter queue once the receiver is back, it is delivered.
      receiver.failFirst = 0;
      await deadLetters.retry(entry.id);
      await waitFor(() => (receiver.of(eventId).length >= 3 ? true : undefined));
    } finally {
      await deadLetters.close();
    }
  });
});
