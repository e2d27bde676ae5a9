import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import { once } from '@tta/test-utils';
import { boundPort, connectionStats, listen } from '../../src/http/http-server';
import { startApiHarness, type ApiHarness } from './api-harness';
import { send, stopServer } from './raw-http';

// How many slow clients; 20,000 unless TTA_TEST_SLOW_CONNECTIONS says otherwise (a quick run).
const COUNT = Number(process.env.TTA_TEST_SLOW_CONNECTIONS ?? 20_000);
// Two flooding processes, each with its own 20,000 open-file limit and 100 source addresses.
const FLOODERS = 2;
const ADDRESSES_EACH = 100;

interface FloodReport {
  opened: number;
  failed: number;
  closedEarly: number;
  ms: number;
}

let h: ApiHarness;
let server: Server;
let port: number;
const flooders: ChildProcess[] = [];

beforeAll(async () => {
  h = await startApiHarness();
  // The defaults of config: headers 10 s, per address 256, at most 80 % of the open-file limit.
  server = await listen(h.rawApp, { ...h.config.api, port: 0 });
  port = boundPort(server);
});

afterAll(async () => {
  await Promise.all(
    flooders.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit', 10_000);
      if (child.connected) child.send('stop');
      else child.kill();
      await exited;
    }),
  );
  await stopServer(server);
  await h.close();
});

/** The time /healthz takes to answer 200 from 127.0.0.250, an address the flood does not use. */
async function healthzMs(): Promise<number> {
  const start = Date.now();
  const res = await send({ port, path: '/healthz', localAddress: '127.0.0.250' });
  expect(res.status).toBe(200);
  return Date.now() - start;
}

it(`keeps answering /healthz with ${COUNT} slow clients holding half-sent headers`, async () => {
  const started = Date.now();
  const reports = Array.from({ length: FLOODERS }, (_, i) => {
    const child = fork(
      path.join(__dirname, 'slow-clients.js'),
      [port, Math.ceil(COUNT / FLOODERS), 10 + i * ADDRESSES_EACH, ADDRESSES_EACH, 200].map(String),
      { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    flooders.push(child);
    return once<FloodReport>(child, 'message', 120_000);
  });
  // Probed while the flood runs, and after it.
  const during: number[] = [];
  let flooding = true;
  const probing = (async () => {
    while (flooding) {
      during.push(await healthzMs());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const flood = await Promise.all(reports);
  flooding = false;
  await probing;
  const after: number[] = [];
  for (let i = 0; i < 5; i += 1) after.push(await healthzMs());
  const figures = {
    slowClients: flood.reduce((sum, r) => sum + r.opened, 0),
    refusedToConnect: flood.reduce((sum, r) => sum + r.failed, 0),
    closedByTheApi: flood.reduce((sum, r) => sum + r.closedEarly, 0),
    floodMs: Math.max(...flood.map((r) => r.ms)),
    healthzMaxMsDuring: Math.max(...during),
    healthzMaxMsAfter: Math.max(...after),
    api: connectionStats(server),
    totalMs: Date.now() - started,
  };
  process.stderr.write(`slow connections: ${JSON.stringify(figures)}\n`);
  // Every slow client got a connection (the API closed the oldest idle ones to make room).
  expect(figures.slowClients + figures.refusedToConnect).toBe(COUNT);
  expect(figures.slowClients).toBe(COUNT);
  expect(figures.healthzMaxMsAfter).toBeLessThan(1000);
  // While the flood runs, every probe was answered 200 (healthzMs checks it); how fast depends
  // on the load of this machine, whose cores also run the flooders: a figure, not a bound.
  expect(during.length).toBeGreaterThan(0);
  expect(figures.api!.open).toBeLessThanOrEqual(10_000);
  expect(figures.totalMs).toBeLessThan(60_000);
}, 90_000);
