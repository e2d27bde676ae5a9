import { randomUUID } from 'node:crypto';
import { CostLedger, DeadLetterQueue, llmCallsKey, SessionOwners } from '@tta/core';
import type {
  CostReportView,
  SessionErasureReceipt,
  TaskView,
  WorkflowRunView,
} from '@tta/contracts';
import { dumpKeySpace, waitFor } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from '../../apps/api/test/integration/api-harness';
import { createWorkflowHarness, type WorkflowHarness } from './workflow-harness';

const WORDS = ['marmalade-7391', 'lighthouse-8842'];
const OTHER_WORDS = 'quince-5120 harbour';

// Player turns through the real API, agents and workflow engine; then the session is erased
// and the whole key space under the prefix no longer holds its id or its player's words.
describe('DELETE /v1/sessions/:id', () => {
  let api: ApiHarness;
  let wf: WorkflowHarness;
  const owner = {
    id: 'player-app',
    key: `k-${randomUUID()}`,
    scopes: ['tasks:write', 'tasks:read', 'sessions:erase'] as const,
  };
  const stranger = {
    id: 'stranger',
    key: `k-${randomUUID()}`,
    scopes: ['sessions:erase'] as const,
  };

  beforeAll(async () => {
    api = await startApiHarness({
      apiKeys: [
        { ...owner, scopes: [...owner.scopes] },
        { ...stranger, scopes: [...stranger.scopes] },
      ],
    });
    wf = await createWorkflowHarness({ prefix: api.config.redis.prefix });
    await wf.startBuiltInAgents();
    await wf.startEngine();
  });

  afterAll(async () => {
    await wf.close();
    await api.close();
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function playTurn(sessionId: string, text: string): Promise<WorkflowRunView> {
    const started = await request(api.rawApp)
      .post('/v1/workflows/player-turn/runs')
      .set(as(owner.key))
      .send({ input: { text }, sessionId })
      .expect(202);
    return waitFor(
      async () => {
        const res = await request(api.rawApp)
          .get(`/v1/workflow-runs/${started.body.id as string}`)
          .set(as(owner.key));
        const run = res.body as WorkflowRunView;
        return ['completed', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
      },
      { timeoutMs: 20_000, what: 'the turn to end' },
    );
  }

  it('removes every trace of the session, keeps anonymised counts, and leaves others alone', async () => {
    const sessionId = `erase-${randomUUID()}`;
    const otherSession = `keep-${randomUUID()}`;
    expect((await playTurn(sessionId, `${WORDS[0]} go north`)).status).toBe('completed');
    expect((await playTurn(sessionId, `look at the ${WORDS[1]}`)).status).toBe('completed');
    const crisis = await playTurn(sessionId, `${WORDS[0]} I want to kill myself`);
    expect(crisis.outcome).toBe('crisis');
    const kept = await playTurn(otherSession, `${OTHER_WORDS} go north`);
    expect(kept.status).toBe('completed');

    // A waiting task cancelled (its tombstone keeps the input) and one still waiting, with an
    // idempotency key.
    const parse = (text: string, extra: object = {}) =>
      request(api.rawApp)
        .post('/v1/tasks')
        .set(as(owner.key))
        .send({ capability: 'input.parse', input: { text }, sessionId, delayMs: 600_000, ...extra })
        .expect(202);
    const cancelled = (await parse(`${WORDS[1]} cancelled`)).body.id as string;
    await request(api.rawApp).delete(`/v1/tasks/${cancelled}`).set(as(owner.key)).expect(202);
    const waiting = (await parse(`${WORDS[0]} waiting`, { idempotencyKey: 'turn-7' })).body
      .id as string;

    // A task that failed for good (a lost race on an explicit version) and was dead-lettered:
    // its entry keeps the player's words and, in the error, the session id.
    const doomed = await request(api.rawApp)
      .post('/v1/tasks')
      .set(as(owner.key))
      .send({
        capability: 'world.update',
        input: { text: `go to the ${WORDS[1]}`, expectedVersion: 42 },
        sessionId,
        idempotencyKey: 'doomed-1',
      })
      .expect(202);
    const deadLetters = new DeadLetterQueue({
      connection: wf.redis,
      names: wf.names,
      queues: () => ['cap.world.update'],
    });
    try {
      await waitFor(
        async () => (await deadLetters.moveFailed()).moved.includes(doomed.body.id as string),
        { what: 'the failed task to be dead-lettered' },
      );
    } finally {
      await deadLetters.close();
    }
    expect(
      (await request(api.rawApp).get('/v1/dead-letter').set(as(owner.key)).expect(200)).text,
    ).toContain(sessionId);

    const ledger = new CostLedger(wf.redis, { names: wf.names });
    const call = {
      agentType: 'narrative-generator',
      model: 'big',
      inputTokens: 100,
      outputTokens: 50,
      costUsd: 0.5,
    };
    // Recorded once, with the model's response kept for a later run of the task.
    await ledger.record(
      { ...call, taskId: waiting, sessionId, owner: owner.id },
      {
        key: llmCallsKey(wf.names, waiting),
        field: 'call-0',
        value: JSON.stringify({ text: `${WORDS[0]} answered` }),
        ttlMs: 600_000,
      },
    );
    await ledger.record({
      ...call,
      taskId: `other-${randomUUID()}`,
      sessionId: otherSession,
      owner: owner.id,
    });
    const safetyEvents = async () =>
      ((await request(api.app).get('/v1/safety/events').expect(200)).body as { events: unknown[] })
        .events;
    const eventsBefore = await safetyEvents();

    await request(api.rawApp).delete(`/v1/sessions/${sessionId}`).set(as(stranger.key)).expect(404);
    const erased = await request(api.rawApp)
      .delete(`/v1/sessions/${sessionId}`)
      .set(as(owner.key))
      .expect(200);
    const receipt = erased.body as SessionErasureReceipt;
    expect(receipt).toMatchObject({
      sessionId,
      erasedAt: expect.any(String),
      removed: {
        runs: 3,
        tasks: expect.any(Number),
        deadLetters: 1,
        tombstones: 1,
        idempotencyRecords: 2,
        safetyEventsAnonymised: 1,
        auditEntries: 1,
        // in, out and cost, in the bucket of every call and in its owner's.
        costFields: 6,
        taskCosts: 1,
        llmCalls: 1,
      },
    });
    expect(
      (await request(api.rawApp).get('/v1/dead-letter').set(as(owner.key)).expect(200)).text,
    ).not.toContain(sessionId);
    // 2 turns of 4 steps, a crisis turn of 2, and the waiting task.
    expect(receipt.removed.tasks).toBe(11);
    expect(receipt.removed.streamEntries).toBeGreaterThan(0);
    expect(receipt.removed.sessionKeys).toBeGreaterThan(0);

    const everything = await dumpKeySpace(wf.redis, api.config.redis.prefix);
    for (const secret of [sessionId, ...WORDS]) expect(everything).not.toContain(secret);
    expect(everything).toContain(otherSession);
    expect(everything).toContain('quince-5120');
    await request(api.rawApp).get(`/v1/workflow-runs/${kept.id}`).set(as(owner.key)).expect(200);
    await request(api.rawApp).get(`/v1/tasks/${waiting}`).set(as(owner.key)).expect(404);

    // Kept anonymised: the safety event for counts, the costs in the totals.
    const eventsAfter = await safetyEvents();
    expect(eventsAfter).toHaveLength(eventsBefore.length);
    expect(eventsAfter).toContainEqual(
      expect.objectContaining({ runId: 'erased', level: 'crisis' }),
    );
    const costs = (await request(api.app).get('/v1/costs').expect(200)).body as CostReportView;
    expect(costs.total).toEqual({ inputTokens: 200, outputTokens: 100, costUsd: 1 });
    expect(Object.keys(costs.bySession)).toEqual([otherSession]);

    const again = await request(api.rawApp)
      .delete(`/v1/sessions/${sessionId}`)
      .set(as(owner.key))
      .expect(200);
    expect(Object.values((again.body as SessionErasureReceipt).removed)).toEqual(
      Object.values(receipt.removed).map(() => 0),
    );
  });

  it('refuses new tasks of a session while it is erased', async () => {
    const sessionId = `erasing-${randomUUID()}`;
    const marker = SessionOwners.erasingKey(wf.names, sessionId);
    await wf.redis.set(marker, '1', 'PX', 60_000);
    const refused = await request(api.rawApp)
      .post('/v1/tasks')
      .set(as(owner.key))
      .send({ capability: 'input.parse', input: { text: 'hello' }, sessionId })
      .expect(409);
    expect(refused.body.error.code).toBe('session_erasing');
    await wf.redis.del(marker);
    const task = await request(api.rawApp)
      .post('/v1/tasks')
      .set(as(owner.key))
      .send({ capability: 'input.parse', input: { text: 'hello' }, sessionId })
      .expect(202);
    await waitFor(
      async () => {
        const res = await request(api.rawApp).get(`/v1/tasks/${task.body.id}`).set(as(owner.key));
        return (res.body as TaskView).status === 'completed' || undefined;
      },
      { what: 'the task to complete' },
    );
  });
});
