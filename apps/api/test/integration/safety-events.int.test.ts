import type { Server } from 'node:http';
import type { NewSafetyEvent, SafetyAuditEntry, SafetyEvent } from '@tta/core';
import { waitFor } from '@tta/test-utils';
import request from 'supertest';
import { boundPort, closeServer, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;
let server: Server;
let baseUrl: string;
const REVIEWER_KEY = 'reviewer-key-k9-0123456789';
const READER_KEY = 'reader-key-k9-0123456789';

beforeAll(async () => {
  h = await startApiHarness({
    apiKeys: [
      // A reviewer of the game server whose runs recorded the events (see docs/AUTH.md, Owners).
      { id: 'reviewer', owner: 'game', key: REVIEWER_KEY, scopes: ['safety:review'] },
      {
        id: 'reader',
        owner: 'game',
        key: READER_KEY,
        scopes: ['tasks:read', 'tasks:write', 'agents:read'],
      },
    ],
  });
  server = await listen(h.app, { host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${boundPort(server)}`;
});

afterAll(async () => {
  await closeServer(server);
  await h.close();
});

let runs = 0;
function newEvent(type: NewSafetyEvent['type'], sessionId = 'session-a'): NewSafetyEvent {
  runs += 1;
  return {
    type,
    runId: `workflow~00000000-0000-4000-8000-${String(runs).padStart(12, '0')}`,
    workflow: 'player-turn',
    sessionId,
    owner: 'game',
    level: type === 'screen_unavailable' ? 'unknown' : type,
    categories: type === 'crisis' ? ['suicidal_ideation'] : [],
    layers: ['patterns'],
    sessionReasons: [],
    shown: type === 'concern' ? 'check_in' : 'crisis_response',
    at: Date.now(),
  };
}

async function record(
  type: NewSafetyEvent['type'],
  at: number,
  sessionId?: string,
): Promise<SafetyEvent> {
  return (await h.services.safetyEvents.record(newEvent(type, sessionId), at)).event;
}

const asReviewer = (req: request.Test) => req.set('authorization', `Bearer ${REVIEWER_KEY}`);

describe('the safety review queue', () => {
  it('orders events by severity, then age, with filters and cursor paging', async () => {
    const session = `order-${Date.now()}`;
    const t = Date.now();
    const concernOld = await record('concern', t - 5000, session);
    const crisisNew = await record('crisis', t - 1000, session);
    const unavailable = await record('screen_unavailable', t - 3000, session);
    const crisisOld = await record('crisis', t - 4000, session);
    const res = await asReviewer(request(h.app).get(`/v1/safety/events?sessionId=${session}`));
    expect(res.status).toBe(200);
    const ids = (res.body as { events: SafetyEvent[] }).events.map((e) => e.id);
    expect(ids).toEqual([crisisOld.id, crisisNew.id, unavailable.id, concernOld.id]);

    const page1 = await asReviewer(
      request(h.app).get(`/v1/safety/events?sessionId=${session}&limit=2`),
    );
    const body1 = page1.body as { events: SafetyEvent[]; nextCursor: string };
    expect(body1.events.map((e) => e.id)).toEqual([crisisOld.id, crisisNew.id]);
    const page2 = await asReviewer(
      request(h.app).get(
        `/v1/safety/events?sessionId=${session}&limit=2&cursor=${encodeURIComponent(body1.nextCursor)}`,
      ),
    );
    const body2 = page2.body as { events: SafetyEvent[]; nextCursor?: string };
    expect(body2.events.map((e) => e.id)).toEqual([unavailable.id, concernOld.id]);
    expect(body2.nextCursor).toBeUndefined();

    const crises = await asReviewer(
      request(h.app).get(`/v1/safety/events?sessionId=${session}&level=crisis`),
    );
    expect((crises.body as { events: SafetyEvent[] }).events).toHaveLength(2);
  });

  it('acknowledges, then resolves, and answers 409 to a wrong transition', async () => {
    const event = await record('crisis', Date.now());
    const ack = await asReviewer(request(h.app).post(`/v1/safety/events/${event.id}/ack`)).send({
      reviewer: 'dr-ana',
      note: 'called the player',
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({
      id: event.id,
      status: 'acknowledged',
      acknowledgedBy: 'dr-ana',
    });
    const again = await asReviewer(request(h.app).post(`/v1/safety/events/${event.id}/ack`)).send({
      reviewer: 'dr-ana',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('review_conflict');
    const resolved = await asReviewer(
      request(h.app).post(`/v1/safety/events/${event.id}/resolve`),
    ).send({
      reviewer: 'dr-ben',
      note: 'safe with family',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: 'dr-ben' });
    expect((resolved.body as SafetyEvent).notes.map((n) => n.note)).toEqual([
      'called the player',
      'safe with family',
    ]);
    const twice = await asReviewer(
      request(h.app).post(`/v1/safety/events/${event.id}/resolve`),
    ).send({
      reviewer: 'dr-ben',
    });
    expect(twice.status).toBe(409);
    const ackResolved = await asReviewer(
      request(h.app).post(`/v1/safety/events/${event.id}/ack`),
    ).send({
      reviewer: 'dr-ben',
    });
    expect(ackResolved.status).toBe(409);
    const open = await asReviewer(request(h.app).get('/v1/safety/events?status=open&limit=500'));
    expect((open.body as { events: SafetyEvent[] }).events.map((e) => e.id)).not.toContain(
      event.id,
    );
    const metrics = await h.services.apiMetrics.metrics.getSingleMetricAsString(
      'tta_safety_time_to_acknowledge_seconds',
    );
    expect(metrics).toMatch(
      /tta_safety_time_to_acknowledge_seconds_count\{[^}]*type="crisis"[^}]*\} [1-9]/,
    );
  });

  it('refuses bad input and unknown ids, and keys without the scope', async () => {
    const event = await record('concern', Date.now());
    const noReviewer = await asReviewer(
      request(h.app).post(`/v1/safety/events/${event.id}/ack`),
    ).send({});
    expect(noReviewer.status).toBe(400);
    expect(noReviewer.body.error.message).toMatch(/reviewer/);
    expect((await h.services.safetyEvents.get(event.id)).status).toBe('open');
    const unknown = await asReviewer(
      request(h.app).get('/v1/safety/events/sev_000000000000000000000000'),
    );
    expect(unknown.status).toBe(404);
    const badCursor = await asReviewer(request(h.app).get('/v1/safety/events?cursor=zzz'));
    expect(badCursor.status).toBe(400);
    const forbidden = await request(h.app)
      .get('/v1/safety/events')
      .set('authorization', `Bearer ${READER_KEY}`);
    expect(forbidden.status).toBe(403);
  });

  it('streams new events and reviews live, and resumes after Last-Event-ID without gaps or repeats', async () => {
    const seen: Array<{ id: string; entry: SafetyAuditEntry }> = [];
    const controller = new AbortController();
    const open = (lastEventId?: string) =>
      fetch(`${baseUrl}/v1/safety/events/stream`, {
        headers: {
          authorization: `Bearer ${REVIEWER_KEY}`,
          ...(lastEventId !== undefined && { 'last-event-id': lastEventId }),
        },
        signal: controller.signal,
      });
    const read = async (res: Response, into: typeof seen) => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && data)
            into.push({ id, entry: (JSON.parse(data) as { entry: SafetyAuditEntry }).entry });
        }
      }
    };
    try {
      const res = await open();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      void read(res, seen);
      const event = await record('crisis', Date.now());
      await waitFor(() =>
        seen.find((s) => s.entry.eventId === event.id && s.entry.action === 'event'),
      );
      const lastId = seen[seen.length - 1]!.id;
      await h.services.safetyEvents.acknowledge(event.id, 'dr-ana');
      await h.services.safetyEvents.resolve(event.id, 'dr-ana');
      const resumed: typeof seen = [];
      void read(await open(lastId), resumed);
      await waitFor(() =>
        resumed.find((s) => s.entry.action === 'resolved' && s.entry.eventId === event.id),
      );
      const mine = resumed.filter((s) => s.entry.eventId === event.id).map((s) => s.entry.action);
      expect(mine).toEqual(['acknowledged', 'resolved']);
      expect(new Set(resumed.map((s) => s.id)).size).toBe(resumed.length);
    } finally {
      controller.abort();
    }
  });

  it('exports the append-only audit trail as JSON lines', async () => {
    const since = Date.now();
    const event = await record('crisis', since);
    await h.services.safetyEvents.acknowledge(event.id, 'dr-ana', 'on it');
    const res = await asReviewer(request(h.app).get(`/v1/safety/audit?since=${since}`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SafetyAuditEntry)
      .filter((e) => e.eventId === event.id);
    expect(lines.map((e) => e.action)).toEqual(['event', 'acknowledged']);
    expect(lines[0]?.event).toMatchObject({ id: event.id, type: 'crisis' });
    expect(lines[1]).toMatchObject({ by: 'dr-ana', note: 'on it' });
  });
});
