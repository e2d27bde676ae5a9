import type { Server } from 'node:http';
import path from 'node:path';
import { AgentRuntime } from '@tta/agent-sdk';
import { builtInAgents, loadSafetyLexicon, type BuiltInAgentType } from '@tta/agents';
import { TtaClient, type ServerSentEvent, type StartedRun } from '@tta/client';
import { AgentRegistry, createLogger, TaskId, WorkflowEngine } from '@tta/core';
import { createTestRedis, once } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { boundPort, closeServer, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness } from './api-harness';

const logger = createLogger({ level: 'error' });

let h: ApiHarness;
let server: Server;
let client: TtaClient;
let connection: Redis;
let registry: AgentRegistry;
const agents = new Map<BuiltInAgentType, AgentRuntime>();
let engine: WorkflowEngine | undefined;
let session = 0;

beforeAll(async () => {
  h = await startApiHarness();
  server = await listen(h.app, { host: '127.0.0.1', port: 0 });
  client = new TtaClient({ baseUrl: `http://127.0.0.1:${boundPort(server)}` });
  connection = createTestRedis('worker');
  if (connection.status !== 'ready') await once(connection, 'ready', 5000);
  const names = h.services.names;
  registry = new AgentRegistry(connection, { names, ttlMs: h.config.registry.ttlMs });
  const lexicon = loadSafetyLexicon(path.resolve(h.config.configDir, h.config.safety.lexiconFile));
  for (const type of Object.keys(builtInAgents) as BuiltInAgentType[]) {
    const definition = builtInAgents[type]({ redis: connection, names, lexicon });
    const runtime = new AgentRuntime(definition, { connection, names, registry, logger });
    await runtime.start();
    agents.set(type, runtime);
  }
});

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

afterAll(async () => {
  await Promise.all([...agents.values()].map((agent) => agent.stop()));
  await closeServer(server);
  await h.close();
  await connection.quit();
});

/** Starts the engine of the `workflow` queue in this process, as the supervisor does. */
async function startEngine(): Promise<void> {
  engine = new WorkflowEngine({
    connection,
    names: h.services.names,
    workflows: h.services.workflows,
    catalog: h.services.catalog,
    router: h.services.router,
    tasks: h.config.tasks,
    safety: h.config.safety,
    logger,
  });
  await engine.start();
}

async function startTurn(text: string): Promise<StartedRun> {
  session += 1;
  return client.startRun('player-turn', { sessionId: `wf-session-${session}`, input: { text } });
}

/** Opens a run's stream and returns its snapshot and an iterator over the rest. */
async function follow(id: string): Promise<[ServerSentEvent, AsyncGenerator<ServerSentEvent>]> {
  const events = client.events(`/v1/workflow-runs/${id}/events`);
  const first = await events.next();
  if (first.done) throw new Error('the stream ended before its snapshot');
  return [first.value, events];
}

async function collect(events: AsyncIterable<ServerSentEvent>): Promise<ServerSentEvent[]> {
  const seen: ServerSentEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

/** `stage:<name>`, `step:<id>:<status>`, or the event's name. */
function outline(event: ServerSentEvent): string {
  const data = event.data as { stage?: string; step?: string; status?: string };
  if (event.event === 'stage') return `stage:${data.stage}`;
  if (event.event === 'step') return `step:${data.step}:${data.status}`;
  return event.event;
}

async function workflowJobs(): Promise<number> {
  const counts = await h.queue(h.services.names.workflow).getJobCounts();
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('workflow endpoints', () => {
  it('GET /v1/workflows lists the loaded definitions with their stages and steps', async () => {
    const res = await request(h.app).get('/v1/workflows').expect(200);
    const turn = (res.body.workflows as Array<{ name: string }>).find(
      (w) => w.name === 'player-turn',
    );
    expect(turn).toMatchObject({
      name: 'player-turn',
      requiresSession: true,
      input: { text: 'string' },
      stages: [
        {
          name: 'understand',
          steps: [
            { id: 'safety', capability: 'safety.screen' },
            { id: 'parse', capability: 'input.parse' },
          ],
        },
        { name: 'world', steps: [{ id: 'world', capability: 'world.update' }] },
        { name: 'narrate', steps: [{ id: 'narrate', capability: 'narrative.generate' }] },
      ],
    });
    expect(typeof (turn as { description?: unknown }).description).toBe('string');
  });

  it('runs a player turn to completed, streaming stages and steps in order', async () => {
    const started = await startTurn('I look around');
    expect(started).toMatchObject({ status: 'queued', workflow: 'player-turn' });
    const [snapshot, events] = await follow(started.id);
    expect(snapshot).toMatchObject({
      event: 'snapshot',
      data: { id: started.id, status: 'queued' },
    });
    await startEngine();
    const rest = await collect(events);
    expect(rest.map(outline)).toEqual([
      'active',
      'stage:understand',
      'step:safety:running',
      'step:parse:running',
      'step:safety:completed',
      'step:parse:completed',
      'stage:world',
      'step:world:running',
      'step:world:completed',
      'stage:narrate',
      'step:narrate:running',
      'step:narrate:completed',
      'completed',
    ]);
    const ids = [snapshot, ...rest].map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_id, i) => i + 1));
    const final = rest.at(-1)!.data as Record<string, unknown>;
    expect(final).toMatchObject({ id: started.id, status: 'completed', outcome: 'completed' });
    expect(typeof (final.result as { narrative?: unknown }).narrative).toBe('string');
    const view = await client.run(started.id);
    expect(view).toMatchObject({ status: 'completed', result: final.result });
    expect(h.services.events.subscriberCount()).toBe(0);
  });

  it('answers 409 task_finished to DELETE of a finished run, and only the snapshot to its stream', async () => {
    const started = await startTurn('I wave');
    await startEngine();
    const events = await collect(client.events(`/v1/workflow-runs/${started.id}/events`));
    expect(events.map(outline).at(-1)).toBe('completed');
    const res = await request(h.app).delete(`/v1/workflow-runs/${started.id}`).expect(409);
    expect(res.body.error).toMatchObject({ code: 'task_finished', details: { id: started.id } });
    const again = await collect(client.events(`/v1/workflow-runs/${started.id}/events`));
    expect(again.map((e) => e.event)).toEqual(['snapshot']);
    expect(again[0]!.data).toMatchObject({ status: 'completed' });
  });

  it('answers 422 unknown_workflow and 400 naming the field, with nothing added to Redis', async () => {
    const before = await workflowJobs();
    const unknown = await request(h.app)
      .post('/v1/workflows/no-such-workflow/runs')
      .send({ sessionId: 's', input: { text: 'hi' } })
      .expect(422);
    expect(unknown.body.error).toMatchObject({
      code: 'unknown_workflow',
      details: { workflow: 'no-such-workflow' },
    });
    for (const [body, field] of [
      [{ input: { text: 'hi' } }, 'sessionId'],
      [{ sessionId: 's', input: { text: 42 } }, 'input.text'],
      [{ sessionId: 's', input: { text: 'hi', extra: 1 } }, 'input'],
      [{ sessionId: 's', input: { text: '   ' } }, 'input.text'],
    ] as const) {
      const res = await request(h.app)
        .post('/v1/workflows/player-turn/runs')
        .send(body)
        .expect(400);
      expect(res.body.error.code).toBe('invalid_input');
      const paths = (res.body.error.details.issues as Array<{ path: string }>).map((i) => i.path);
      expect(paths).toContain(field);
    }
    expect(await workflowJobs()).toBe(before);
  });

  it.each([
    ['an unknown id', TaskId.create('workflow')],
    ['a malformed id', 'not-a-run-id'],
    ['a task id', TaskId.create('cap.input.parse')],
  ])('answers 404 not_found for %s on GET, DELETE and events', async (_what, id) => {
    for (const req of [
      request(h.app).get(`/v1/workflow-runs/${id}`),
      request(h.app).delete(`/v1/workflow-runs/${id}`),
      request(h.app).get(`/v1/workflow-runs/${id}/events`),
    ]) {
      const res = await req.expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.error).toMatchObject({ code: 'not_found', details: { id } });
    }
    expect(h.services.events.subscriberCount()).toBe(0);
  });

  it('DELETE of a running run cancels its running step and ends the run cancelled', async () => {
    // Without a narrative generator the run stays in its last stage, its step's task waiting.
    await agents.get('narrative-generator')!.stop();
    const started = await startTurn('I open the door');
    const [, events] = await follow(started.id);
    await startEngine();
    let narrate: string | undefined;
    while (narrate === undefined) {
      const next = await events.next();
      if (next.done) throw new Error('the stream ended before the last stage');
      if (outline(next.value) === 'step:narrate:running') {
        narrate = (next.value.data as { taskId: string }).taskId;
      }
    }
    // With the engine stopped, only the API can have cancelled the step's task.
    await engine!.close();
    const res = await request(h.app).delete(`/v1/workflow-runs/${started.id}`).expect(202);
    expect(res.body).toEqual({ id: started.id, status: 'cancelled' });
    expect(await client.task(narrate)).toMatchObject({
      status: 'cancelled',
      cancelReason: `its workflow run '${started.id}' was cancelled`,
    });
    await startEngine();
    const rest = await collect(events);
    expect(rest.map(outline)).toEqual(['step:narrate:failed', 'cancelled']);
    expect(rest[1]!.data).toMatchObject({
      id: started.id,
      status: 'cancelled',
      steps: { narrate: { status: 'failed', taskId: narrate } },
    });
    const again = await request(h.app).delete(`/v1/workflow-runs/${started.id}`).expect(202);
    expect(again.body).toEqual(res.body);
    expect((await client.run(started.id)).status).toBe('cancelled');
  });
});
