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
    expect(cookie).toMatch(/^tta_admin_session=ops\.\d+\./);
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
    const [, expiry, signature] = token.split('.') as [string, string, string];
    const tampered = [
      `${name}=reader.${expiry}.${signature}`,
      `${name}=ops.${Number(expiry) + 1000}.${signature}`,
      `${name}=ops.${expiry}.${signature.slice(0, -2)}AA`,
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
    const old = h.auth.sessions.issue('ops', Date.now() - 9 * 3_600_000);
    await request(h.rawApp)
      .get('/admin/queues')
      .set(asBrowser)
      .set('cookie', `tta_admin_session=${old.token}`)
      .expect(303);
  });

  it('is cleared by /admin/logout', async () => {
    const res = await request(h.rawApp).post('/admin/logout').set('cookie', cookie).expect(303);
    expect(res.headers.location).toBe('/admin/login?loggedOut=1');
    expect(sessionCookie(res)).toMatch(/^tta_admin_session=;.*Expires=Thu, 01 Jan 1970/);
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
  it('are limited per client address', async () => {
    const limited = await startApiHarness({ overrides: { rateLimit: { points: 100 } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        statuses.push(
          (await request(limited.rawApp).post('/admin/login').type('form').send({ key: 'x' }))
            .status,
        );
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses[10]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
