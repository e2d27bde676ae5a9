import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { waitFor } from '@tta/test-utils';
import { boundPort, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness, type TestApiKey } from './api-harness';
import { openSocket, send, statusOf, stopServer } from './raw-http';

const alice: TestApiKey = { id: 'alice', key: 'abuse-limits-alice-key', scopes: ['admin'] };
const bob: TestApiKey = { id: 'bob', key: 'abuse-limits-bob-key', scopes: ['admin'] };

describe('event streams', () => {
  let h: ApiHarness;
  let server: Server;
  let port: number;
  let taskId: string;
  const open: Socket[] = [];

  beforeAll(async () => {
    h = await startApiHarness({
      apiKeys: [alice, bob],
      overrides: { api: { maxEventStreams: 3, maxEventStreamsPerKey: 2 } },
    });
    server = await listen(h.rawApp, { host: '127.0.0.1', port: 0 });
    port = boundPort(server);
    const task = await send({
      method: 'POST',
      port,
      path: '/v1/tasks',
      headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ capability: 'input.parse', input: { text: 'no worker serves it' } }),
    });
    taskId = (task.json as { id: string }).id;
  });

  afterAll(async () => {
    open.forEach((socket) => socket.destroy());
    await stopServer(server);
    await h.close();
  });

  /** Opens the task's stream with `key` and resolves once its snapshot is in. */
  async function stream(key: TestApiKey): Promise<Socket> {
    const socket = await openSocket(port);
    open.push(socket);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write(
      `GET /v1/tasks/${taskId}/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${key.key}\r\n\r\n`,
    );
    await waitFor(() => received.includes('event: snapshot'), { what: 'the snapshot' });
    return socket;
  }

  const refused = (key: TestApiKey) =>
    send({
      port,
      path: `/v1/tasks/${taskId}/events`,
      headers: { authorization: `Bearer ${key.key}` },
    });

  it('are capped per key, then in all, with 429 too_many_streams and Retry-After', async () => {
    const first = await stream(alice);
    await stream(alice);
    const perKey = await refused(alice);
    expect(perKey.status).toBe(429);
    expect(perKey.headers['retry-after']).toBe('5');
    expect(perKey.json).toMatchObject({
      error: { code: 'too_many_streams', details: { limit: 'key', max: 2 } },
    });
    await stream(bob);
    const total = await refused(bob);
    expect(total.status).toBe(429);
    expect(total.json).toMatchObject({
      error: { code: 'too_many_streams', details: { limit: 'total', max: 3 } },
    });
    // A closed stream gives its slot back.
    first.destroy();
    const admitted = () =>
      statusOf({
        port,
        path: `/v1/tasks/${taskId}/events`,
        headers: { authorization: `Bearer ${alice.key}` },
      });
    await waitFor(async () => (await admitted()).status === 200, {
      what: 'a slot to come free',
    });
  });
});

describe('failed authentication', () => {
  let h: ApiHarness;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    h = await startApiHarness({
      apiKeys: [alice],
      overrides: {
        auth: { failedAttempts: 3, failedAttemptsWindowSeconds: 60 },
        api: { trustProxy: 'loopback' },
      },
    });
    server = await listen(h.rawApp, { host: '127.0.0.1', port: 0 });
    port = boundPort(server);
  });

  afterAll(async () => {
    await stopServer(server);
    await h.close();
  });

  const get = (key: string, from: { localAddress?: string; forwardedFor?: string }) =>
    send({
      port,
      path: '/v1/agents',
      headers: {
        authorization: `Bearer ${key}`,
        ...(from.forwardedFor !== undefined && { 'x-forwarded-for': from.forwardedFor }),
      },
      ...(from.localAddress !== undefined && { localAddress: from.localAddress }),
    });

  it('is limited per client address: past the limit even the right key gets 429', async () => {
    const from = { localAddress: '127.0.0.21' };
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get('wrong-key', from)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await get(alice.key, from);
    expect(blocked.status).toBe(429);
    expect(blocked.json).toMatchObject({ error: { code: 'auth_rate_limited' } });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Other addresses, and routes open to anyone, are not affected.
    expect((await get(alice.key, { localAddress: '127.0.0.22' })).status).toBe(200);
    expect((await send({ port, path: '/healthz', localAddress: '127.0.0.21' })).status).toBe(200);
  });

  it('counts the address a trusted proxy forwards for', async () => {
    const client = { localAddress: '127.0.0.23', forwardedFor: '203.0.113.7' };
    for (let i = 0; i < 3; i += 1) expect((await get('wrong-key', client)).status).toBe(401);
    expect((await get(alice.key, client)).status).toBe(429);
    const neighbour = { localAddress: '127.0.0.23', forwardedFor: '203.0.113.8' };
    expect((await get(alice.key, neighbour)).status).toBe(200);
  });
});
