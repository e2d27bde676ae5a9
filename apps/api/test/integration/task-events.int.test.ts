import type { Server } from 'node:http';
import { TaskId, type TaskJobResult } from '@tta/core';
import { type EnqueuedTask } from '@tta/contracts';
import { ApiError, TtaClient, type ServerSentEvent } from '@tta/client';
import { createTestRedis, waitFor } from '@tta/test-utils';
import { UnrecoverableError, Worker, type Processor } from 'bullmq';
import request from 'supertest';
import { boundPort, closeServer, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness } from './api-harness';

const QUEUE = 'cap.input.parse';
const HEARTBEAT_MS = 50;

let h: ApiHarness;
let server: Server;
let baseUrl: string;
let client: TtaClient;

beforeAll(async () => {
  h = await startApiHarness({ overrides: { api: { sseHeartbeatMs: HEARTBEAT_MS } } });
  server = await listen(h.app, { host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${boundPort(server)}`;
  client = new TtaClient({ baseUrl });
});

afterAll(async () => {
  await closeServer(server);
  await h.close();
});

async function enqueue(text: string): Promise<EnqueuedTask> {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ capability: 'input.parse', input: { text } })
    .expect(202);
  return res.body as EnqueuedTask;
}

/** Runs `processor` on the queue in this process until `stop` resolves. */
async function withWorker(processor: Processor, stop: Promise<unknown>): Promise<void> {
  const connection = createTestRedis('worker');
  const worker = new Worker(QUEUE, processor, { connection, prefix: h.config.redis.prefix });
  try {
    await stop;
  } finally {
    await worker.close();
    await connection.quit();
  }
}

/** Opens the task's stream, waits for its snapshot, and collects the rest in the background. */
async function follow(
  id: string,
): Promise<{ snapshot: ServerSentEvent; rest: Promise<ServerSentEvent[]> }> {
  const events = client.events(`/v1/tasks/${id}/events`);
  const first = await events.next();
  if (first.done) throw new Error('the stream ended before its snapshot');
  const rest = (async () => {
    const seen: ServerSentEvent[] = [];
    for await (const event of events) seen.push(event);
    return seen;
  })();
  return { snapshot: first.value, rest };
}

const result = (output: unknown): TaskJobResult => ({
  output,
  agentId: 'agent-1',
  agentType: 'input-processor',
  startedAt: Date.now(),
  finishedAt: Date.now(),
});

describe('GET /v1/tasks/:id/events', () => {
  it('streams snapshot, active, progress and completed in order, then ends', async () => {
    const { id } = await enqueue('look around');
    const { snapshot, rest } = await follow(id);
    expect(snapshot).toMatchObject({ event: 'snapshot', id: '1', data: { id, status: 'queued' } });
    await withWorker(async (job) => {
      await job.updateProgress({ percent: 50 });
      return result({ verb: 'look' });
    }, rest);
    const events = await rest;
    expect(events.map((e) => e.event)).toEqual(['active', 'progress', 'completed']);
    expect(events.map((e) => e.id)).toEqual(['2', '3', '4']);
    expect(events[0]!.data).toEqual({ id });
    expect(events[1]!.data).toEqual({ id, progress: { percent: 50 } });
    expect(events[2]!.data).toMatchObject({
      id,
      status: 'completed',
      result: { verb: 'look' },
      agentId: 'agent-1',
    });
    expect(h.services.events.subscriberCount()).toBe(0);
  });

  it('ends with failed and the reason when the task fails', async () => {
    const { id } = await enqueue('break');
    const { rest } = await follow(id);
    await withWorker(async () => {
      throw new UnrecoverableError('handler broke');
    }, rest);
    const events = await rest;
    expect(events.map((e) => e.event)).toEqual(['active', 'failed']);
    expect(events[1]!.data).toMatchObject({
      id,
      status: 'failed',
      error: { message: 'handler broke' },
    });
  });

  it('ends with cancelled when a waiting task is cancelled', async () => {
    const { id } = await enqueue('never mind');
    const { rest } = await follow(id);
    await request(h.app).delete(`/v1/tasks/${id}`).expect(202);
    const events = await rest;
    expect(events.map((e) => e.event)).toEqual(['cancelled']);
    expect(events[0]!.data).toMatchObject({ id, status: 'cancelled' });
  });

  it('sends only the snapshot of a task that already finished', async () => {
    const { id } = await enqueue('quick');
    await withWorker(
      async () => result('done'),
      waitFor(async () => (await h.queue(QUEUE).getJobState(id)) === 'completed'),
    );
    const events: ServerSentEvent[] = [];
    for await (const event of client.events(`/v1/tasks/${id}/events`)) events.push(event);
    expect(events).toEqual([
      { event: 'snapshot', id: '1', data: expect.objectContaining({ id, status: 'completed' }) },
    ]);
  });

  it('answers with the event-stream headers and a heartbeat comment while nothing happens', async () => {
    const { id } = await enqueue('wait');
    const abort = new AbortController();
    const res = await fetch(`${baseUrl}/v1/tasks/${id}/events`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n: heartbeat\n\n')) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`stream ended without a heartbeat: ${text}`);
      text += value;
    }
    expect(text.startsWith('id: 1\nevent: snapshot\ndata: {')).toBe(true);
    abort.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('drops the subscription when the client goes away', async () => {
    const { id } = await enqueue('leave');
    const abort = new AbortController();
    const events = client.events(`/v1/tasks/${id}/events`, { signal: abort.signal });
    expect((await events.next()).value).toMatchObject({ event: 'snapshot' });
    expect(h.services.events.subscriberCount(QUEUE)).toBe(1);
    abort.abort();
    await expect(events.next()).rejects.toThrow();
    await waitFor(() => h.services.events.subscriberCount() === 0, {
      what: 'the subscription to end',
    });
  });

  it.each([
    ['an unknown id', TaskId.create(QUEUE)],
    ['a malformed id', 'not-a-task-id'],
    ['an id of a queue outside the catalog', TaskId.create('cap.nothing')],
  ])('answers 404 JSON for %s, before any stream', async (_what, id) => {
    const res = await request(h.app).get(`/v1/tasks/${id}/events`).expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toMatchObject({ code: 'not_found', details: { kind: 'task', id } });
    await expect(client.events(`/v1/tasks/${id}/events`).next()).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    await expect(client.events(`/v1/tasks/${id}/events`).next()).rejects.toBeInstanceOf(ApiError);
    expect(h.services.events.subscriberCount()).toBe(0);
  });

  it('ends open streams when the event stream closes (shutdown), and refuses new ones with 503', async () => {
    const { id } = await enqueue('shutdown');
    const { rest } = await follow(id);
    await h.services.events.close();
    expect(await rest).toEqual([]);
    const res = await request(h.app).get(`/v1/tasks/${id}/events`).expect(503);
    expect(res.body.error).toMatchObject({ code: 'shutting_down' });
  });
});
