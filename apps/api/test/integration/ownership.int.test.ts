import { Worker } from 'bullmq';
import type { DeadLetterPage, EnqueuedTask, StartedRun } from '@tta/contracts';
import type { SafetyEvent } from '@tta/core';
import { createTestRedis, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

// Two game servers share one deployment: `game-a` (two keys) and `game-b`. Neither may see or
// touch the other's tasks, runs or dead letters; an admin key sees all of them.
const SCOPES = ['tasks:write', 'tasks:read', 'safety:review'];
const A1 = { id: 'a-1', owner: 'game-a', key: 'key-a-1-k9', scopes: SCOPES };
const A2 = { id: 'a-2', owner: 'game-a', key: 'key-a-2-k9', scopes: SCOPES };
const B = { id: 'b-1', owner: 'game-b', key: 'key-b-1-k9', scopes: SCOPES };
const PARSE_QUEUE = 'cap.input.parse';
const REVIEW = { reviewer: 'someone' };

let h: ApiHarness;
let connection: Redis;
let worker: Worker;
let task: EnqueuedTask;
let pending: EnqueuedTask;
let dead: EnqueuedTask;
let run: StartedRun;
let crisis: SafetyEvent;

const as = (key: { key: string }) => ({ authorization: `Bearer ${key.key}` });
const ids = (page: unknown): string[] => (page as DeadLetterPage).entries.map((e) => e.id);

beforeAll(async () => {
  h = await startApiHarness({
    apiKeys: [A1, A2, B] as never,
    overrides: { capabilities: { 'input.parse': { attempts: 1 } } },
  });
  // Nothing serves narrative.generate: a task of it stays pending, so it can be cancelled.
  pending = (
    await request(h.rawApp)
      .post('/v1/tasks')
      .set(as(A1))
      .send({ capability: 'narrative.generate', input: { text: 'the quiet harbour' } })
      .expect(202)
  ).body as EnqueuedTask;
  task = (
    await request(h.rawApp)
      .post('/v1/tasks')
      .set(as(A1))
      .send({
        capability: 'narrative.generate',
        input: { text: 'a lantern' },
        idempotencyKey: 'k1',
      })
      .expect(202)
  ).body as EnqueuedTask;
  run = (
    await request(h.rawApp)
      .post('/v1/workflows/player-turn/runs')
      .set(as(A1))
      .send({ sessionId: 'owner-session-a', input: { text: 'look around' } })
      .expect(202)
  ).body as StartedRun;
  connection = createTestRedis();
  worker = new Worker(
    PARSE_QUEUE,
    () => {
      throw new Error('cannot parse');
    },
    { connection, prefix: h.config.redis.prefix },
  );
  dead = (
    await request(h.rawApp)
      .post('/v1/tasks')
      .set(as(A1))
      .send({ capability: 'input.parse', input: { text: 'x' } })
      .expect(202)
  ).body as EnqueuedTask;
  await waitFor(async () => (await h.queue(PARSE_QUEUE).getJobState(dead.id)) === 'failed');
  expect((await h.services.deadLetters.moveFailed()).moved).toContain(dead.id);
  // What an LLM call of game-a's run cost, and the crisis its screen found, as workers and the
  // engine record them.
  await h.services.costs.record({
    taskId: task.id,
    sessionId: 'owner-session-a',
    owner: 'game-a',
    agentType: 'narrative-generator',
    model: 'fast',
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.5,
  });
  crisis = (
    await h.services.safetyEvents.record({
      type: 'crisis',
      runId: run.id,
      workflow: 'player-turn',
      sessionId: 'owner-session-a',
      owner: 'game-a',
      level: 'crisis',
      categories: ['suicidal_ideation'],
      layers: ['patterns'],
      sessionReasons: [],
      shown: 'crisis_response',
      at: Date.now(),
    })
  ).event;
});

afterAll(async () => {
  await worker.close();
  await connection.quit();
  await h.close();
});

// Every operation that reaches one owner's data by id, as [label, method, path].
const BY_ID: Array<[string, 'get' | 'delete' | 'post', () => string]> = [
  ['read a task', 'get', () => `/v1/tasks/${task.id}`],
  ['follow a task', 'get', () => `/v1/tasks/${task.id}/events`],
  ['read a run', 'get', () => `/v1/workflow-runs/${run.id}`],
  ['follow a run', 'get', () => `/v1/workflow-runs/${run.id}/events`],
  ['read a dead-lettered task', 'get', () => `/v1/tasks/${dead.id}`],
  ['read a safety event', 'get', () => `/v1/safety/events/${crisis.id}`],
  ['acknowledge a safety event', 'post', () => `/v1/safety/events/${crisis.id}/ack`],
  ['resolve a safety event', 'post', () => `/v1/safety/events/${crisis.id}/resolve`],
  ['cancel a task', 'delete', () => `/v1/tasks/${pending.id}`],
  ['cancel a run', 'delete', () => `/v1/workflow-runs/${run.id}`],
  ['retry a dead letter', 'post', () => `/v1/dead-letter/${dead.id}/retry`],
  ['delete a dead letter', 'delete', () => `/v1/dead-letter/${dead.id}`],
];

describe('another owner', () => {
  it.each(BY_ID)(
    'gets 404 not_found (never 403) when it tries to %s',
    async (_label, method, pathOf) => {
      const path = pathOf();
      const res = await request(h.rawApp)[method](path).set(as(B)).send(REVIEW);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 404, 'not_found']);
    },
  );

  it('lists none of the other owner’s dead letters', async () => {
    const mine = await request(h.rawApp).get('/v1/dead-letter').set(as(B)).expect(200);
    expect(mine.body).toEqual({ entries: [], total: 0 });
    const theirs = await request(h.rawApp).get('/v1/dead-letter').set(as(A2)).expect(200);
    expect(ids(theirs.body)).toEqual([dead.id]);
  });

  it('gets its own task for the same idempotency key, and no sight of the other owner’s', async () => {
    const body = {
      capability: 'narrative.generate',
      input: { text: 'a lantern' },
      idempotencyKey: 'k1',
    };
    const own = (await request(h.rawApp).post('/v1/tasks').set(as(B)).send(body).expect(202))
      .body as EnqueuedTask;
    expect(own.id).not.toBe(task.id);
    const conflict = await request(h.rawApp)
      .post('/v1/tasks')
      .set(as(B))
      .send({ ...body, input: { text: 'something else' } })
      .expect(409);
    expect(JSON.stringify(conflict.body)).not.toContain(task.id);
    const replay = await request(h.rawApp).post('/v1/tasks').set(as(A2)).send(body).expect(202);
    expect(replay.body.id).toBe(task.id);
  });
});

describe('another owner, for sessions, costs and safety events', () => {
  it('cannot run tasks or workflow runs in the other owner’s session (404)', async () => {
    const turn = { sessionId: 'owner-session-a', input: { text: 'look around' } };
    const runRes = await request(h.rawApp)
      .post('/v1/workflows/player-turn/runs')
      .set(as(B))
      .send(turn)
      .expect(404);
    expect(runRes.body.error.code).toBe('not_found');
    await request(h.rawApp)
      .post('/v1/tasks')
      .set(as(B))
      .send({ capability: 'narrative.generate', ...turn })
      .expect(404);
    await request(h.rawApp)
      .post('/v1/tasks')
      .set(as(A2))
      .send({ capability: 'narrative.generate', ...turn })
      .expect(202);
  });

  it('sees only its own costs', async () => {
    const mine = await request(h.rawApp).get('/v1/costs').set(as(B)).expect(200);
    expect(mine.body.total).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect(mine.body.bySession).toEqual({});
    const theirs = await request(h.rawApp).get('/v1/costs').set(as(A2)).expect(200);
    expect(theirs.body.total).toEqual({ inputTokens: 10, outputTokens: 20, costUsd: 0.5 });
    expect(Object.keys(theirs.body.bySession as object)).toEqual(['owner-session-a']);
  });

  it('sees none of the other owner’s safety events, in the queue or the audit trail', async () => {
    const mine = await request(h.rawApp).get('/v1/safety/events').set(as(B)).expect(200);
    expect(mine.body.events).toEqual([]);
    const audit = await request(h.rawApp).get('/v1/safety/audit').set(as(B)).expect(200);
    expect(audit.text).not.toContain(crisis.id);
    const theirs = await request(h.rawApp).get('/v1/safety/events').set(as(A2)).expect(200);
    expect((theirs.body as { events: SafetyEvent[] }).events.map((e) => e.id)).toEqual([crisis.id]);
    const trail = await request(h.rawApp).get('/v1/safety/audit').set(as(A2)).expect(200);
    expect(trail.text).toContain(crisis.id);
  });
});

describe('the same owner, through another of its keys, and an admin', () => {
  it('read its tasks, runs and dead letters', async () => {
    for (const key of [A2, { key: h.apiKey }]) {
      await request(h.rawApp).get(`/v1/tasks/${task.id}`).set(as(key)).expect(200);
      await request(h.rawApp).get(`/v1/workflow-runs/${run.id}`).set(as(key)).expect(200);
      await request(h.rawApp).get(`/v1/tasks/${dead.id}`).set(as(key)).expect(200);
    }
    const all = await request(h.rawApp)
      .get('/v1/dead-letter')
      .set(as({ key: h.apiKey }));
    expect(ids(all.body)).toContain(dead.id);
  });

  it('cancel, retry and delete them', async () => {
    await request(h.rawApp).delete(`/v1/tasks/${pending.id}`).set(as(A2)).expect(202);
    await request(h.rawApp)
      .post(`/v1/safety/events/${crisis.id}/ack`)
      .set(as(A2))
      .send(REVIEW)
      .expect(200);
    await request(h.rawApp).delete(`/v1/workflow-runs/${run.id}`).set(as(A2)).expect(202);
    await request(h.rawApp).post(`/v1/dead-letter/${dead.id}/retry`).set(as(A2)).expect(202);
    await waitFor(async () => (await h.queue(PARSE_QUEUE).getJobState(dead.id)) === 'failed');
    expect((await h.services.deadLetters.moveFailed()).moved).toContain(dead.id);
    const again = await request(h.rawApp).get(`/v1/tasks/${dead.id}`).set(as(B));
    expect(again.status).toBe(404);
    await request(h.rawApp)
      .delete(`/v1/dead-letter/${dead.id}`)
      .set(as({ key: h.apiKey }))
      .expect(204);
  });
});
