import type { Server } from 'node:http';
import { DEVELOPMENT_API_KEY } from '@tta/core';
import { boundPort, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness } from './api-harness';
import { closedAfter, nonLoopbackAddress, openSocket, send, stopServer } from './raw-http';

const external = nonLoopbackAddress();
if (external === undefined) {
  process.stderr.write(
    'listener.int.test: this machine has no non-loopback IPv4 address: the tests that connect from one are skipped\n',
  );
}
const withExternal = external === undefined ? it.skip : it;

describe('the API with its default listener settings', () => {
  let h: ApiHarness;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    h = await startApiHarness();
    server = await listen(h.rawApp, { ...h.config.api, port: 0 });
    port = boundPort(server);
  });

  afterAll(async () => {
    await stopServer(server);
    await h.close();
  });

  it('listens on 127.0.0.1', () => {
    expect(h.config.api.host).toBe('127.0.0.1');
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  withExternal('is not reachable at the machine’s other address', async () => {
    await expect(send({ host: external!, port, path: '/healthz' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    expect((await send({ port, path: '/healthz' })).status).toBe(200);
  });

  it('refuses a Host it does not answer to with 421, before asking for a key', async () => {
    const res = await send({ port, path: '/v1/agents', headers: { host: 'rebound.example:8080' } });
    expect(res.status).toBe(421);
    expect(res.json).toEqual({
      error: {
        code: 'host_not_allowed',
        message: expect.stringContaining("host 'rebound.example:8080' is not served here"),
        details: { host: 'rebound.example:8080' },
      },
    });
    const healthz = await send({ port, path: '/healthz', headers: { host: 'rebound.example' } });
    expect(healthz.status).toBe(421);
  });

  it('answers localhost, 127.0.0.1, [::1] and addresses on any port', async () => {
    for (const host of [
      'localhost',
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      '[::1]:1',
      '10.0.0.7',
    ]) {
      expect((await send({ port, path: '/healthz', headers: { host } })).status).toBe(200);
    }
  });
});

describe('the API with allowed hosts configured', () => {
  it('answers them besides the loopback names, and anything with *', async () => {
    for (const [allowedHosts, host, status] of [
      [['api.example.com', '*.tta.example'], 'api.example.com', 200],
      [['api.example.com', '*.tta.example'], 'eu.tta.example:443', 200],
      [['api.example.com', '*.tta.example'], 'localhost:8080', 200],
      [['api.example.com', '*.tta.example'], 'evil.example', 421],
      [['*'], 'evil.example', 200],
    ] as const) {
      const h = await startApiHarness({ overrides: { api: { allowedHosts } } });
      const server = await listen(h.rawApp, { host: '127.0.0.1', port: 0 });
      try {
        const res = await send({ port: boundPort(server), path: '/healthz', headers: { host } });
        expect([allowedHosts.join(','), host, res.status]).toEqual([
          allowedHosts.join(','),
          host,
          status,
        ]);
      } finally {
        await stopServer(server);
        await h.close();
      }
    }
  });
});

describe('the development key', () => {
  let h: ApiHarness;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    h = await startApiHarness({ developmentKey: true });
    // Every interface, so that a client can come from the machine's other address.
    server = await listen(h.rawApp, { host: '0.0.0.0', port: 0 });
    port = boundPort(server);
  });

  afterAll(async () => {
    await stopServer(server);
    await h.close();
  });

  const bearer = { authorization: `Bearer ${DEVELOPMENT_API_KEY}` };

  it('is what the API uses with no key configured', () => {
    expect(h.auth.usesDevelopmentKey).toBe(true);
    expect(h.apiKey).toBe(DEVELOPMENT_API_KEY);
  });

  it('is accepted from loopback', async () => {
    expect((await send({ port, path: '/v1/agents', headers: bearer })).status).toBe(200);
    const other = await send({
      port,
      path: '/v1/agents',
      headers: bearer,
      localAddress: '127.0.0.9',
    });
    expect(other.status).toBe(200);
  });

  withExternal(
    'is refused from another address as an unknown key, logged without the key',
    async () => {
      const res = await send({
        host: external!,
        localAddress: external!,
        port,
        path: '/v1/agents',
        headers: bearer,
      });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({
        error: { code: 'unauthenticated', message: 'unknown API key' },
      });
      const refusals = h.logs.filter((line) =>
        String(line.message).startsWith('development key refused'),
      );
      expect(refusals).toEqual([
        expect.objectContaining({ level: 'warn', address: external, path: '/v1/agents' }),
      ]);
      // Only the warning at start names the key, as the README does.
      const others = h.logs.filter((line) => !String(line.message).startsWith('NO API KEYS'));
      expect(JSON.stringify(others)).not.toContain(DEVELOPMENT_API_KEY);
    },
  );

  it('is refused through a proxy, even a local one', async () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const res = await send({
        port,
        path: '/v1/agents',
        headers: {
          ...bearer,
          [header]: header === 'forwarded' ? 'for=198.51.100.7' : '198.51.100.7',
        },
      });
      expect([header, res.status]).toEqual([header, 401]);
    }
  });
});

describe('the API’s connection limits', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ overrides: { api: { sseHeartbeatMs: 200 } } });
  });

  afterAll(async () => {
    await h.close();
  });

  async function serve(
    options: Parameters<typeof listen>[1],
    use: (port: number) => Promise<void>,
  ): Promise<void> {
    const server = await listen(h.rawApp, options);
    try {
      await use(boundPort(server));
    } finally {
      await stopServer(server);
    }
  }

  it('drops a client still sending its headers after headersTimeoutMs', async () => {
    await serve(
      { host: '127.0.0.1', port: 0, headersTimeoutMs: 1000, requestTimeoutMs: 1000 },
      async (port) => {
        const socket = await openSocket(port);
        const start = Date.now();
        socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
        const ms = await closedAfter(socket, start);
        expect(ms).toBeGreaterThanOrEqual(900);
        expect(ms).toBeLessThan(2500);
      },
    );
  });

  it('drops a client still sending its body after requestTimeoutMs', async () => {
    await serve(
      { host: '127.0.0.1', port: 0, headersTimeoutMs: 500, requestTimeoutMs: 1500 },
      async (port) => {
        const socket = await openSocket(port);
        const start = Date.now();
        socket.write(
          `POST /v1/tasks HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${h.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"capab`,
        );
        const ms = await closedAfter(socket, start);
        expect(ms).toBeGreaterThanOrEqual(1400);
        expect(ms).toBeLessThan(3000);
      },
    );
  });

  it('keeps an event stream open well past requestTimeoutMs', async () => {
    await serve(
      { host: '127.0.0.1', port: 0, headersTimeoutMs: 300, requestTimeoutMs: 500 },
      async (port) => {
        const task = await send({
          method: 'POST',
          port,
          path: '/v1/tasks',
          headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ capability: 'input.parse', input: { text: 'stay open' } }),
        });
        expect(task.status).toBe(202);
        const socket = await openSocket(port);
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (received += chunk));
        socket.write(
          `GET /v1/tasks/${(task.json as { id: string }).id}/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${h.apiKey}\r\n\r\n`,
        );
        await new Promise((resolve) => setTimeout(resolve, 2500));
        expect(socket.destroyed).toBe(false);
        expect(received).toMatch(/^HTTP\/1\.1 200/);
        expect(received).toContain('event: snapshot');
        // Heartbeats every 200 ms kept coming for five times the request timeout.
        expect(received.split(': heartbeat').length - 1).toBeGreaterThanOrEqual(8);
        socket.destroy();
      },
    );
  });

  withExternal(
    'closes connections past maxConnectionsPerAddress at once, not those of other addresses',
    async () => {
      const options = { host: '0.0.0.0', port: 0, maxConnectionsPerAddress: 5 };
      await serve(options, async (port) => {
        const from = () => openSocket(port, external, external);
        const held = await Promise.all(Array.from({ length: 5 }, from));
        const extra = await from();
        expect(await closedAfter(extra)).toBeLessThan(1000);
        expect(held.every((socket) => !socket.destroyed)).toBe(true);
        // Loopback is exempt: a local proxy brings every client from there.
        const local = await Promise.all(
          Array.from({ length: 6 }, () => openSocket(port, '127.0.0.2')),
        );
        expect((await send({ port, path: '/healthz', localAddress: '127.0.0.2' })).status).toBe(
          200,
        );
        expect(local.every((socket) => !socket.destroyed)).toBe(true);
        [...held, ...local].forEach((socket) => socket.destroy());
      });
    },
  );

  it('at maxConnections, closes the oldest idle connection to answer a new one', async () => {
    await serve({ host: '127.0.0.1', port: 0, maxConnections: 10 }, async (port) => {
      const idle = [];
      for (let i = 0; i < 10; i += 1) {
        const socket = await openSocket(port, '127.0.0.4');
        socket.write('GET /healthz HTTP/1.1\r\n');
        idle.push(socket);
      }
      const res = await send({ port, path: '/healthz', localAddress: '127.0.0.5' });
      expect(res.status).toBe(200);
      expect(await closedAfter(idle[0]!)).toBeLessThan(1000);
      expect(idle.slice(1).every((socket) => !socket.destroyed)).toBe(true);
      idle.forEach((socket) => socket.destroy());
    });
  });
});
