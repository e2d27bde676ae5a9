import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const adminKey = 'login-test-admin-key';
const readerKey = 'login-test-reader-key';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({
    apiKeys: [
      { id: 'ops', key: adminKey, scopes: ['admin'] },
      { id: 'reader', key: readerKey, scopes: ['tasks:read', 'agents:read'] },
    ],
  });
});

afterAll(async () => {
  await h.close();
});

function logIn(key: string, next?: string) {
  return request(h.rawApp)
    .post('/admin/login')
    .type('form')
    .send({ key, ...(next !== undefined && { next }) });
}

function sessionCookie(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => c.startsWith('tta_admin_session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(cookies)}`);
  return cookie;
}

const asBrowser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('GET /admin/login', () => {
  it('serves the login form to anyone, without a key', async () => {
    const res = await request(h.rawApp).get('/admin/login?next=/admin/agents').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('<form method="post" action="/admin/login">');
    expect(res.text).toContain('name="next" value="/admin/agents"');
  });
});

describe('POST /admin/login', () => {
  it('refuses a key without admin with 403 and sets no cookie', async () => {
    const res = await logIn(readerKey).expect(403);
    expect(res.text).toContain('lacks the admin scope');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses an unknown or missing key with 401 and sets no cookie', async () => {
    const unknown = await logIn('not-a-key').expect(401);
    expect(unknown.text).toContain('Unknown API key');
    expect(unknown.headers['set-cookie']).toBeUndefined();
    await request(h.rawApp).post('/admin/login').type('form').send({}).expect(401);
  });

  it('gives an admin key an HttpOnly, SameSite=Strict session cookie and sends it to Bull Board', async () => {
    const res = await logIn(adminKey).expect(303);
    expect(res.headers.location).toBe('/admin/queues');
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/admin/);
    expect(cookie).not.toContain(adminKey);
    expect(cookie).toMatch(/^tta_admin_session=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
  });

  it('sends the browser back to the admin page it asked for, never to another site', async () => {
    expect((await logIn(adminKey, '/admin/agents').expect(303)).headers.location).toBe(
      '/admin/agents',
    );
    expect((await logIn(adminKey, 'https://evil.example/').expect(303)).headers.location).toBe(
      '/admin/queues',
    );
  });
});

describe('the session cookie', () => {
  let cookie: string;

  beforeAll(async () => {
    cookie = sessionCookie(await logIn(adminKey).expect(303)).split(';')[0]!;
  });

  it('opens the admin pages as an admin key does', async () => {
    const withCookie = await request(h.rawApp)
      .get('/admin/queues')
      .set(asBrowser)
      .set('cookie', cookie);
    const withKey = await request(h.rawApp)
      .get('/admin/queues')
      .set(asBrowser)
      .set('authorization', `Bearer ${adminKey}`);
    expect(withCookie.status).toBe(200);
    expect(withCookie.status).toBe(withKey.status);
    const agents = await request(h.rawApp)
      .get('/admin/agents')
      .set(asBrowser)
      .set('cookie', cookie);
    expect(agents.status).toBe(200);
  });

  it('counts only under /admin/: the v1 API still needs a key', async () => {
    await request(h.rawApp).get('/v1/agents').set('cookie', cookie).expect(401);
  });

  it('sends a browser with a tampered cookie to the login form, and an API client a 401', async () => {
    const [name, token] = cookie.split('=') as [string, string];
    const [id, signature] = token.split('.') as [string, string];
    const other = await h.auth.sessions.start({ keyId: 'ops' });
    const tampered = [
      `${name}=${other.session.id}.${signature}`,
      `${name}=${id}.${signature.slice(0, -2)}AA`,
      `${name}=${id}`,
    ];
    for (const bad of tampered) {
      const page = await request(h.rawApp).get('/admin/agents').set(asBrowser).set('cookie', bad);
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fagents');
      const api = await request(h.rawApp).get('/admin/agents').set('cookie', bad);
      expect(api.status).toBe(401);
      expect(api.body.error.code).toBe('unauthenticated');
    }
  });

  it('refuses an expired session', async () => {
    const old = await h.auth.sessions.start({ keyId: 'ops' }, Date.now() - 9 * 3_600_000);
    await request(h.rawApp)
      .get('/admin/queues')
      .set(asBrowser)
      .set('cookie', `tta_admin_session=${old.token}`)
      .expect(303);
  });

  it('is cleared by /admin/logout, which ends its session: the kept cookie is refused at once', async () => {
    const kept = sessionCookie(await logIn(adminKey).expect(303)).split(';')[0]!;
    await request(h.rawApp).get('/admin/agents').set(asBrowser).set('cookie', kept).expect(200);
    const res = await request(h.rawApp).post('/admin/logout').set('cookie', kept).expect(303);
    expect(res.headers.location).toBe('/admin/login?loggedOut=1');
    expect(sessionCookie(res)).toMatch(/^tta_admin_session=;.*Expires=Thu, 01 Jan 1970/);
    const page = await request(h.rawApp).get('/admin/agents').set(asBrowser).set('cookie', kept);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fadmin%2Fagents');
    const api = await request(h.rawApp).get('/admin/queues/api/queues').set('cookie', kept);
    expect(api.status).toBe(401);
    // Another browser's session lives on.
    await request(h.rawApp).get('/admin/agents').set(asBrowser).set('cookie', cookie).expect(200);
  });

  it('is ended by GET /admin/logout too', async () => {
    // Started directly: the login form allows 10 attempts a minute per address.
    const kept = `tta_admin_session=${(await h.auth.sessions.start({ keyId: 'ops' })).token}`;
    await request(h.rawApp).get('/admin/agents').set('cookie', kept).expect(200);
    await request(h.rawApp).get('/admin/logout').set('cookie', kept).expect(303);
    await request(h.rawApp).get('/admin/agents').set('cookie', kept).expect(401);
  });

  it('records the client address and user agent of its login', async () => {
    const res = await logIn(adminKey).set('user-agent', 'login-test-browser/1.0').expect(303);
    const token = sessionCookie(res).split(';')[0]!.split('=')[1]!;
    const session = await h.auth.sessions.verify(token);
    expect(session).toMatchObject({ keyId: 'ops', userAgent: 'login-test-browser/1.0' });
    expect(session?.address).toMatch(/127\.0\.0\.1$/);
  });
});

describe('without credentials', () => {
  it('sends a browser to the login form and gives an API client 401 JSON', async () => {
    const page = await request(h.rawApp).get('/admin/queues').set(asBrowser).expect(303);
    expect(page.headers.location).toBe('/admin/login');
    const api = await request(h.rawApp).get('/admin/queues/api/queues').expect(401);
    expect(api.body.error.code).toBe('unauthenticated');
  });
});

describe('login attempts', () => {
  // The statuses of `count` logins with an unknown key, each sent as from `forwardedFor(i)`.
  async function failedLogins(
    app: ApiHarness['rawApp'],
    count: number,
    forwardedFor?: (i: number) => string,
  ): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const attempt = request(app).post('/admin/login').type('form');
      if (forwardedFor) attempt.set('x-forwarded-for', forwardedFor(i));
      statuses.push((await attempt.send({ key: 'x' })).status);
    }
    return statuses;
  }

  const tenRefusedThenLimited = [...Array<number>(10).fill(401), 429];

  it('are limited per client address', async () => {
    const limited = await startApiHarness({ overrides: { rateLimit: { points: 100 } } });
    try {
      expect(await failedLogins(limited.rawApp, 11)).toEqual(tenRefusedThenLimited);
    } finally {
      await limited.close();
    }
  });

  it('cannot dodge the limit with an X-Forwarded-For of their own while no proxy is trusted', async () => {
    const limited = await startApiHarness({ overrides: { rateLimit: { points: 100 } } });
    try {
      const forged = await failedLogins(limited.rawApp, 11, (i) => `198.51.100.${i + 1}`);
      expect(forged).toEqual(tenRefusedThenLimited);
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, are limited per forwarded client address', async () => {
    const behindProxy = await startApiHarness({
      apiKeys: [{ id: 'ops', key: adminKey, scopes: ['admin'] }],
      overrides: { rateLimit: { points: 100 }, api: { trustProxy: 'loopback' } },
    });
    try {
      const first = await failedLogins(behindProxy.rawApp, 11, () => '203.0.113.1');
      expect(first).toEqual(tenRefusedThenLimited);
      const second = await failedLogins(behindProxy.rawApp, 1, () => '203.0.113.2');
      expect(second).toEqual([401]);
      // The session records the forwarded address; the proxy's own hop is not the client.
      const res = await request(behindProxy.rawApp)
        .post('/admin/login')
        .set('x-forwarded-for', '203.0.113.3')
        .type('form')
        .send({ key: adminKey })
        .expect(303);
      const token = sessionCookie(res).split(';')[0]!.split('=')[1]!;
      expect((await behindProxy.auth.sessions.verify(token))?.address).toBe('203.0.113.3');
    } finally {
      await behindProxy.close();
    }
  });
});
