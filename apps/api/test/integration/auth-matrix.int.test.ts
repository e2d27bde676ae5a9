import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, loadConfig } from '@tta/core';
import { API_OPERATIONS, API_SCOPES, type ApiScope } from '@tta/contracts';
import winston from 'winston';
import request from 'supertest';
import { buildApiAuth } from '../../src/access/build-auth';
import { isAdminPath, isPublicRoute, requiredScope } from '../../src/access/route-access';
import { startApiHarness, type ApiHarness, type TestApiKey } from './api-harness';
import { mountedRoutes, samplePath, type MountedRoute } from './mounted-routes';

const NON_ADMIN = API_SCOPES.filter((scope) => scope !== 'admin');

// For every scope: a key holding only it, and a key holding every other non-admin scope.
const keys: TestApiKey[] = API_SCOPES.flatMap((scope) => [
  { id: `only-${scope.replace(':', '-')}`, key: `key-only-${scope}-k9`, scopes: [scope] },
  {
    id: `all-but-${scope.replace(':', '-')}`,
    key: `key-all-but-${scope}-k9`,
    scopes: NON_ADMIN.filter((s) => s !== scope),
  },
]);
const holding = (scope: ApiScope): string =>
  keys.find((k) => k.id === `only-${scope.replace(':', '-')}`)!.key;
const lacking = (scope: ApiScope): string =>
  keys.find((k) => k.id === `all-but-${scope.replace(':', '-')}`)!.key;

let h: ApiHarness;
let routes: MountedRoute[];

beforeAll(async () => {
  h = await startApiHarness({ apiKeys: keys });
  routes = mountedRoutes(h.rawApp);
});

afterAll(async () => {
  await h.close();
});

function send(route: MountedRoute, headers: Record<string, string> = {}) {
  const path = samplePath(route.path, 'auth-matrix-sample');
  const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  const req = request(h.rawApp)[method](path).set(headers);
  if (!route.path.endsWith('/stream')) return req;
  // An event stream that lets the key through never ends: its first bytes are the answer. A
  // refusal is JSON, read whole.
  return req.buffer(false).parse((res, callback) => {
    if (!String(res.headers['content-type']).startsWith('text/event-stream')) {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.once('end', () => callback(null, text === '' ? null : (JSON.parse(text) as unknown)));
      return;
    }
    res.once('data', () => {
      callback(null, null);
      (res as unknown as IncomingMessage).destroy();
    });
  });
}

const guarded = () => routes.filter((r) => !isPublicRoute(r.method, r.path));
const label = (route: MountedRoute): string => `${route.method} ${route.path}`;

const contractRoutes = (): string[] => API_OPERATIONS.map(label);

describe('the contract table', () => {
  it('names every route the app mounts but the admin pages (a route outside it fails here)', () => {
    expect(routes.length).toBeGreaterThan(20);
    const named = new Set(contractRoutes());
    const outside = routes.filter((r) => !isAdminPath(r.path) && !named.has(label(r)));
    expect(outside.map(label)).toEqual([]);
    const missing = guarded().filter((r) => requiredScope(r.method, r.path) === undefined);
    expect(missing.map(label)).toEqual([]);
  });

  it('is mounted: every operation it lists exists, once', () => {
    const mounted = routes.map(label);
    expect(contractRoutes().filter((route) => !mounted.includes(route))).toEqual([]);
    const once = mounted.filter((route) => !route.includes(' /admin'));
    expect(new Set(once).size).toBe(once.length);
  });
});

describe('every guarded route', () => {
  it('answers 401 with WWW-Authenticate without a key, before any route runs', async () => {
    for (const route of guarded()) {
      const res = await send(route);
      expect({ route: label(route), status: res.status }).toEqual({
        route: label(route),
        status: 401,
      });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });

  it('answers 401 to an unknown key, in either header', async () => {
    for (const route of guarded()) {
      const bearer = await send(route, { authorization: 'Bearer not-a-key' });
      const header = await send(route, { 'x-api-key': 'not-a-key' });
      expect([label(route), bearer.status, header.status]).toEqual([label(route), 401, 401]);
    }
  });

  it('answers 403 forbidden to a key without the route’s scope', async () => {
    for (const route of guarded()) {
      const scope = requiredScope(route.method, route.path)!;
      const res = await send(route, { authorization: `Bearer ${lacking(scope)}` });
      expect([label(route), res.status, res.body.error?.code]).toEqual([
        label(route),
        403,
        'forbidden',
      ]);
      expect(res.body.error.details).toEqual({ scope });
    }
  });

  it('lets a key with the scope (in either header) through to the route', async () => {
    for (const route of guarded()) {
      const scope = requiredScope(route.method, route.path)!;
      const viaBearer = await send(route, { authorization: `Bearer ${holding(scope)}` });
      const viaHeader = await send(route, { 'x-api-key': holding(scope) });
      for (const res of [viaBearer, viaHeader]) {
        expect([label(route), [401, 403, 429].includes(res.status)]).toEqual([label(route), false]);
        if (contractRoutes().includes(label(route))) {
          expect([label(route), res.status < 500]).toEqual([label(route), true]);
        }
      }
    }
  });

  it('lets an admin key through everywhere', async () => {
    for (const route of guarded()) {
      const res = await send(route, { authorization: `Bearer ${holding('admin')}` });
      expect([label(route), [401, 403].includes(res.status)]).toEqual([label(route), false]);
    }
  });
});

describe('public routes and unknown routes', () => {
  it('answers /healthz without a key', async () => {
    expect((await request(h.rawApp).get('/healthz').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('answers an unknown route 401 without a key and 404 with any known key', async () => {
    await request(h.rawApp).get('/v1/nothing-here').expect(401);
    const res = await request(h.rawApp)
      .get('/v1/nothing-here')
      .set('authorization', `Bearer ${holding('tasks:read')}`)
      .expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('checks the scope of a route however its path is cased', async () => {
    await request(h.rawApp)
      .get('/V1/AGENTS')
      .set('authorization', `Bearer ${holding('tasks:read')}`)
      .expect(403);
    await request(h.rawApp)
      .get('/V1/AGENTS')
      .set('authorization', `Bearer ${holding('agents:read')}`)
      .expect(200);
  });

  it('does not take another Authorization scheme for a key', async () => {
    const basic = Buffer.from(`x:${holding('admin')}`).toString('base64');
    await request(h.rawApp).get('/v1/agents').set('authorization', `Basic ${basic}`).expect(401);
  });

  it('refuses an event stream as JSON, never starting it', async () => {
    const res = await request(h.rawApp).get('/v1/tasks/cap.input.parse~x/events').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('never logs a key', () => {
    const logged = JSON.stringify(h.logs);
    for (const { key } of keys) expect(logged).not.toContain(key);
    expect(logged).not.toContain(h.apiKey);
  });
});

describe('with auth off', () => {
  let open: ApiHarness;

  beforeAll(async () => {
    open = await startApiHarness({ overrides: { auth: { enabled: false } } });
  });

  afterAll(async () => {
    await open.close();
  });

  it('answers every route without a key, and warns at start', async () => {
    await request(open.rawApp).get('/v1/agents').expect(200);
    await request(open.rawApp).get('/readyz').expect(200);
    expect(open.logs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'warn', message: expect.stringContaining('AUTH IS OFF') }),
      ]),
    );
  });
});

describe('with no keys configured, outside production', () => {
  it('takes the development key with scope admin and warns loudly', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ transports: [new winston.transports.Stream({ stream })] });
    const config = loadConfig({ env: { NODE_ENV: 'test' } });
    const auth = buildApiAuth({ config, redis: h.redis, logger });
    expect(auth.keys.verify('tta-dev-key')).toEqual({
      id: 'development',
      owner: 'development',
      scopes: ['admin'],
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      message: expect.stringMatching(/^NO API KEYS CONFIGURED: using the development key/),
    });
  });
});
