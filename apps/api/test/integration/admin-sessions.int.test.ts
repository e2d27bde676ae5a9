import type { AdminSessionList } from '@tta/contracts';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const adminKey = 'sessions-test-admin-key';
const readerKey = 'sessions-test-reader-key';
const sessionSecret = 'sessions-test-secret-0123456789abcdef';
const asBrowser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({
    apiKeys: [
      { id: 'ops', key: adminKey, scopes: ['admin'] },
      { id: 'reader', key: readerKey, scopes: ['tasks:read', 'agents:read'] },
    ],
    overrides: { auth: { sessionSecret } },
  });
});

afterAll(async () => {
  await h.close();
});

// Logs in at the form and gives back the session's id and the `name=value` of its cookie.
async function logIn(userAgent = 'sessions-test-browser'): Promise<{ id: string; cookie: string }> {
  const res = await request(h.rawApp)
    .post('/admin/login')
    .set('user-agent', userAgent)
    .type('form')
    .send({ key: adminKey })
    .expect(303);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('tta_admin_session='))?.split(';')[0];
  if (!cookie) throw new Error('no session cookie');
  return { id: cookie.slice('tta_admin_session='.length).split('.')[0]!, cookie };
}

async function listed(): Promise<AdminSessionList['sessions']> {
  const res = await request(h.app).get('/v1/admin/sessions').expect(200);
  return (res.body as AdminSessionList).sessions;
}

describe('GET /v1/admin/sessions', () => {
  it('lists the live sessions newest first, with their key, times, address and user agent', async () => {
    const now = Date.now();
    const first = await h.auth.sessions.start({ keyId: 'ops' }, now - 3000);
    const second = await h.auth.sessions.start({ keyId: 'ops' }, now - 2000);
    const mine = await h.auth.sessions.start({ keyId: 'harness-admin' }, now - 1000);
    const login = await logIn('browser-two');
    const sessions = await listed();
    const order = [login.id, mine.session.id, second.session.id, first.session.id];
    expect(sessions.map((s) => s.id).filter((id) => order.includes(id))).toEqual(order);
    const shown = sessions.find((s) => s.id === login.id);
    expect(shown).toMatchObject({
      keyId: 'ops',
      userAgent: 'browser-two',
      own: false,
      current: false,
    });
    expect(shown?.address).toMatch(/127\.0\.0\.1$/);
    expect(shown!.expiresAt - shown!.createdAt).toBe(h.config.auth.sessionTtlSeconds * 1000);
    // Logged in with the key of this request, but the request did not come with it.
    expect(sessions.find((s) => s.id === mine.session.id)).toMatchObject({
      own: true,
      current: false,
    });
  });

  it('needs scope admin', async () => {
    const res = await request(h.rawApp)
      .get('/v1/admin/sessions')
      .set('authorization', `Bearer ${readerKey}`)
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
  });
});

describe('DELETE /v1/admin/sessions/:id', () => {
  it('ends a session at once: its cookie is refused from the next request on', async () => {
    const { id, cookie } = await logIn();
    await request(h.rawApp).get('/admin/agents').set(asBrowser).set('cookie', cookie).expect(200);
    await request(h.app).delete(`/v1/admin/sessions/${id}`).expect(204);
    const page = await request(h.rawApp).get('/admin/agents').set(asBrowser).set('cookie', cookie);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fagents');
    await request(h.rawApp).get('/admin/queues/api/queues').set('cookie', cookie).expect(401);
    expect((await listed()).map((s) => s.id)).not.toContain(id);
  });

  it('answers 404 for an id no live session has', async () => {
    const { id } = await logIn();
    await request(h.app).delete(`/v1/admin/sessions/${id}`).expect(204);
    const again = await request(h.app).delete(`/v1/admin/sessions/${id}`).expect(404);
    expect(again.body.error.code).toBe('not_found');
    await request(h.app).delete('/v1/admin/sessions/not-a-session-id').expect(404);
  });
});

describe('the sessions page', () => {
  it("lists the sessions, marks the viewer's own, and ends one with its End button", async () => {
    const viewer = await logIn('viewer-browser');
    const other = await logIn('other-browser');
    const page = await request(h.rawApp)
      .get('/admin/sessions')
      .set(asBrowser)
      .set('cookie', viewer.cookie)
      .expect(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const row = (id: string): string => {
      const start = page.text.indexOf(`data-session-id="${id}"`);
      expect(start).toBeGreaterThan(-1);
      return page.text.slice(start, page.text.indexOf('</tr>', start));
    };
    expect(row(viewer.id)).toContain('(this session)');
    expect(row(other.id)).not.toContain('(this session)');
    expect(row(other.id)).toContain('other-browser');
    expect(row(other.id)).toContain(`action="/admin/sessions/${other.id}/end"`);

    const ended = await request(h.rawApp)
      .post(`/admin/sessions/${other.id}/end`)
      .set('cookie', viewer.cookie)
      .expect(303);
    expect(ended.headers.location).toBe(`/admin/sessions?ended=${other.id}`);
    await request(h.rawApp).get('/admin/agents').set('cookie', other.cookie).expect(401);
    const gone = await request(h.rawApp)
      .post(`/admin/sessions/${other.id}/end`)
      .set('cookie', viewer.cookie)
      .expect(303);
    expect(gone.headers.location).toBe(`/admin/sessions?gone=${other.id}`);
    const notice = await request(h.rawApp)
      .get(gone.headers.location!)
      .set(asBrowser)
      .set('cookie', viewer.cookie)
      .expect(200);
    expect(notice.text).toContain('is not a live session');
  });

  it('refuses an End button pressed from another site', async () => {
    const viewer = await logIn();
    const res = await request(h.rawApp)
      .post(`/admin/sessions/${viewer.id}/end`)
      .set('cookie', viewer.cookie)
      .set('origin', 'https://evil.example')
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
    await request(h.rawApp).get('/admin/agents').set('cookie', viewer.cookie).expect(200);
  });
});

describe('while Redis is unavailable', () => {
  let down: ApiHarness;

  beforeAll(async () => {
    down = await startApiHarness({
      redisUrl: 'redis://127.0.0.1:1',
      apiKeys: [{ id: 'ops', key: adminKey, scopes: ['admin'] }],
      overrides: { auth: { sessionSecret } },
    });
  });

  afterAll(async () => {
    await down.close();
  });

  it('refuses a session cookie with 503, never lets it through', async () => {
    const { cookie } = await logIn();
    const api = await request(down.rawApp).get('/admin/agents').set('cookie', cookie);
    expect(api.status).toBe(503);
    expect(api.body.error.code).toBe('redis_unavailable');
    const page = await request(down.rawApp)
      .get('/admin/queues')
      .set(asBrowser)
      .set('cookie', cookie);
    expect(page.status).toBe(503);
  });

  it('answers a login with 503 and no cookie, and a logout with 503', async () => {
    const login = await request(down.rawApp)
      .post('/admin/login')
      .type('form')
      .send({ key: adminKey })
      .expect(503);
    expect(login.text).toContain('Sessions are unavailable');
    expect(([] as string[]).concat(login.headers['set-cookie'] ?? [])).toEqual([]);
    const { cookie } = await logIn();
    await request(down.rawApp).post('/admin/logout').set('cookie', cookie).expect(503);
  });
});
