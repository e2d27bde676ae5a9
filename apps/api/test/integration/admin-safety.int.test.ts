import type { Server } from 'node:http';
import type { NewSafetyEvent, SafetyEvent, SafetyFeedItem } from '@tta/core';
import { waitFor } from '@tta/test-utils';
import request from 'supertest';
import { boundPort, closeServer, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness } from './api-harness';

const OPS_KEY = 'admin-safety-ops-key-0123456789';
const REVIEWER_KEY = 'admin-safety-reviewer-key-0123456789';

let h: ApiHarness;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  h = await startApiHarness({
    apiKeys: [
      { id: 'ops', key: OPS_KEY, scopes: ['admin'] },
      { id: 'reviewer', key: REVIEWER_KEY, scopes: ['safety:review'] },
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
async function record(type: NewSafetyEvent['type'], at = Date.now()): Promise<SafetyEvent> {
  runs += 1;
  const event: NewSafetyEvent = {
    type,
    runId: `workflow~00000000-0000-4000-8000-${String(runs).padStart(12, '0')}`,
    workflow: 'player-turn',
    sessionId: `session-${runs}`,
    level: type === 'screen_unavailable' ? 'unknown' : type,
    categories: type === 'crisis' ? ['suicidal_ideation'] : [],
    layers: ['patterns'],
    sessionReasons: [],
    shown: type === 'concern' ? 'check_in' : 'crisis_response',
    at,
  };
  return (await h.services.safetyEvents.record(event, at)).event;
}

const statusOf = async (id: string) => (await h.services.safetyEvents.get(id)).status;
const rowIds = (markup: string): string[] =>
  [...markup.matchAll(/<tr data-event-id="([^"]+)"/g)].map((m) => m[1]!);

function review(id: string, action: 'ack' | 'resolve', form: Record<string, string>) {
  return request(h.app).post(`/admin/safety/events/${id}/${action}`).type('form').send(form);
}

async function acknowledgeCount(type: string): Promise<number> {
  const metrics = await request(h.app).get('/metrics').expect(200);
  const line = new RegExp(
    `^tta_safety_time_to_acknowledge_seconds_count\\{[^}]*type="${type}"[^}]*\\} (\\d+)`,
    'm',
  );
  return Number(line.exec(metrics.text)?.[1] ?? 0);
}

describe('admin safety routes without an admin', () => {
  it('send a browser to the login form and refuse API clients and non-admin keys', async () => {
    const event = await record('crisis');
    const page = await request(h.rawApp).get('/admin/safety').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fsafety');
    for (const path of ['/admin/safety', '/admin/safety/rows', '/admin/safety/stream']) {
      const res = await request(h.rawApp).get(path).set('Accept', 'application/json');
      expect([path, res.status]).toEqual([path, 401]);
    }
    const reviewer = await request(h.rawApp)
      .get('/admin/safety/rows')
      .set('authorization', `Bearer ${REVIEWER_KEY}`);
    expect(reviewer.status).toBe(403);
    await request(h.rawApp)
      .post(`/admin/safety/events/${event.id}/ack`)
      .type('form')
      .send({ reviewer: 'mallory' })
      .expect(401);
    await request(h.rawApp)
      .post(`/admin/safety/events/${event.id}/ack`)
      .set('authorization', `Bearer ${REVIEWER_KEY}`)
      .type('form')
      .send({ reviewer: 'mallory' })
      .expect(403);
    expect(await statusOf(event.id)).toBe('open');
  });

  it('refuse a review posted from another site, and change nothing', async () => {
    const event = await record('concern');
    const res = await review(event.id, 'ack', { reviewer: 'x' }).set(
      'Origin',
      'https://evil.example',
    );
    expect(res.status).toBe(403);
    expect(await statusOf(event.id)).toBe('open');
  });
});

describe('GET /admin/safety and /admin/safety/rows', () => {
  it('list open and acknowledged events by severity, then age, under a nonce CSP', async () => {
    const t = Date.now();
    const concernOld = await record('concern', t - 60_000);
    const crisisNew = await record('crisis', t - 1000);
    const unavailable = await record('screen_unavailable', t - 30_000);
    const crisisAcked = await record('crisis', t - 20_000);
    const resolved = await record('crisis', t - 50_000);
    await h.services.safetyEvents.acknowledge(crisisAcked.id, 'dr-ana');
    await h.services.safetyEvents.resolve(resolved.id, 'dr-ana');

    const res = await request(h.app).get('/admin/safety').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const csp = String(res.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.text).toContain(`<script nonce="${nonce}">`);
    expect(res.text).toContain('value="harness-admin"');
    const ids = rowIds(res.text);
    expect(ids).not.toContain(resolved.id);
    const mine = [crisisAcked.id, crisisNew.id, unavailable.id, concernOld.id];
    expect(ids.filter((id) => mine.includes(id))).toEqual(mine);

    const again = await request(h.app).get('/admin/safety').expect(200);
    expect(again.headers['content-security-policy']).not.toContain(nonce);

    const rows = await request(h.app).get('/admin/safety/rows').expect(200);
    const body = rows.body as { rows: string; summary: string; count: number };
    expect(rowIds(body.rows)).toEqual(ids);
    expect(body.count).toBe(ids.length);
    expect(body.summary).toMatch(/^\d+ open · \d+ acknowledged · read at /);
  });
});

describe('POST /admin/safety/events/:id/ack and /resolve', () => {
  it('acknowledges, then resolves, counting the time to acknowledge once', async () => {
    const event = await record('crisis', Date.now() - 5000);
    const before = await acknowledgeCount('crisis');
    const ack = await review(event.id, 'ack', { reviewer: 'dr-ana', note: 'called the player' });
    expect(ack.status).toBe(303);
    expect(ack.headers.location).toBe(`/admin/safety?acknowledged=${event.id}`);
    const acked = await h.services.safetyEvents.get(event.id);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'dr-ana' });
    expect(acked.notes.map((n) => n.note)).toEqual(['called the player']);
    expect(await acknowledgeCount('crisis')).toBe(before + 1);
    const page = await request(h.app).get(ack.headers.location!).expect(200);
    expect(page.text).toContain(`Acknowledged ${event.id}.`);

    const resolve = await review(event.id, 'resolve', { reviewer: 'dr-ben', note: '' });
    expect(resolve.status).toBe(303);
    expect(resolve.headers.location).toBe(`/admin/safety?resolved=${event.id}`);
    expect(await h.services.safetyEvents.get(event.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: 'dr-ben',
    });
    expect(await acknowledgeCount('crisis')).toBe(before + 1);
    const after = await request(h.app).get('/admin/safety').expect(200);
    expect(rowIds(after.text)).not.toContain(event.id);
  });

  it('answers 409 with the page and a clear message when the event was already reviewed', async () => {
    const event = await record('crisis');
    await h.services.safetyEvents.acknowledge(event.id, 'dr-ana');
    const twice = await review(event.id, 'ack', { reviewer: 'dr-ben' });
    expect(twice.status).toBe(409);
    expect(twice.type).toBe('text/html');
    expect(twice.text).toContain(
      `Could not acknowledge ${event.id}: it is already acknowledged (someone else reviewed it first).`,
    );
    expect(rowIds(twice.text)).toContain(event.id);
    await h.services.safetyEvents.resolve(event.id, 'dr-ana');
    const late = await review(event.id, 'resolve', { reviewer: 'dr-ben' });
    expect(late.status).toBe(409);
    expect(late.text).toContain(`Could not resolve ${event.id}: it is already resolved`);
    expect(await h.services.safetyEvents.get(event.id)).toMatchObject({ resolvedBy: 'dr-ana' });
  });

  it('answers 400 to a review without a reviewer and 404 to an unknown event', async () => {
    const event = await record('concern');
    const blank = await review(event.id, 'ack', { reviewer: '  ', note: 'x' });
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('Not saved: give a reviewer name');
    expect(await statusOf(event.id)).toBe('open');
    const unknown = await review('sev_000000000000000000000000', 'resolve', { reviewer: 'a' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('there is no such safety event');
  });

  it('works with the admin session cookie of the login form, posted from the page', async () => {
    const login = await request(h.rawApp)
      .post('/admin/login')
      .type('form')
      .send({ key: OPS_KEY, next: '/admin/safety' })
      .expect(303);
    expect(login.headers.location).toBe('/admin/safety');
    const cookie = ([] as string[])
      .concat(login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('tta_admin_session='))!
      .split(';')[0]!;
    const page = await request(h.rawApp).get('/admin/safety').set('Cookie', cookie).expect(200);
    expect(page.text).toContain('value="ops"');
    const event = await record('screen_unavailable');
    const res = await request(h.rawApp)
      .post(`/admin/safety/events/${event.id}/ack`)
      .set({ Cookie: cookie, Host: '127.0.0.1', Origin: 'http://127.0.0.1' })
      .type('form')
      .send({ reviewer: 'ops' });
    expect(res.status).toBe(303);
    expect(await h.services.safetyEvents.get(event.id)).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'ops',
    });
  });
});

describe('GET /admin/safety/stream', () => {
  interface Block {
    event?: string;
    id?: string;
    data?: string;
  }

  async function follow(into: Block[], signal: AbortSignal, lastEventId?: string) {
    const res = await fetch(`${baseUrl}/admin/safety/stream`, {
      headers: {
        authorization: `Bearer ${OPS_KEY}`,
        ...(lastEventId !== undefined && { 'last-event-id': lastEventId }),
      },
      signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(block)?.[1];
          into.push({ event: field('event'), id: field('id'), data: field('data') });
        }
      }
    })();
  }

  const items = (blocks: Block[]): Array<{ id: string; item: SafetyFeedItem }> =>
    blocks
      .filter((b) => b.event === 'safety')
      .map((b) => ({ id: b.id!, item: JSON.parse(b.data!) as SafetyFeedItem }));

  it('says ready once subscribed, relays new events and reviews, and resumes after Last-Event-ID', async () => {
    const controller = new AbortController();
    try {
      const seen: Block[] = [];
      await follow(seen, controller.signal);
      await waitFor(() => seen.some((b) => b.event === 'ready'), { what: 'the ready event' });
      const event = await record('crisis');
      await waitFor(() => items(seen).some((s) => s.item.entry.eventId === event.id), {
        what: 'the new event on the stream',
      });
      const first = items(seen).find((s) => s.item.entry.eventId === event.id)!;
      expect(first.item.entry.action).toBe('event');
      expect(first.item.event).toMatchObject({ id: event.id, status: 'open', type: 'crisis' });
      expect(first.id).toBe(first.item.entry.id);

      await review(event.id, 'ack', { reviewer: 'dr-ana' }).expect(303);
      await waitFor(() => items(seen).some((s) => s.item.entry.action === 'acknowledged'), {
        what: 'the acknowledgement on the stream',
      });
      await h.services.safetyEvents.resolve(event.id, 'dr-ana');
      const resumed: Block[] = [];
      await follow(resumed, controller.signal, first.id);
      await waitFor(() => items(resumed).some((s) => s.item.entry.action === 'resolved'), {
        what: 'the resolution after Last-Event-ID',
      });
      const mine = items(resumed).filter((s) => s.item.entry.eventId === event.id);
      expect(mine.map((s) => s.item.entry.action)).toEqual(['acknowledged', 'resolved']);
    } finally {
      controller.abort();
    }
  });
});
