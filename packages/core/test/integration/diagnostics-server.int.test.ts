import { Counter } from 'prom-client';
import { createMetricsRegistry, startDiagnosticsServer, type DiagnosticsServer } from '@tta/core';

describe('startDiagnosticsServer', () => {
  let server: DiagnosticsServer;
  let healthy: boolean;
  let base: string;

  beforeEach(async () => {
    healthy = true;
    const metrics = createMetricsRegistry({ defaultLabels: { service: 'test' } });
    new Counter({ name: 'tta_test_things_total', help: 'Things', registers: [metrics] }).inc(3);
    server = await startDiagnosticsServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      health: () => ({ ok: healthy, redis: healthy ? 'up' : 'down' }),
    });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterEach(async () => {
    await server.close();
  });

  it('serves Prometheus text at /metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE tta_test_things_total counter');
    expect(text).toContain('tta_test_things_total{service="test"} 3');
    expect(text).toMatch(/^tta_process_cpu_seconds_total\{service="test"\} /m);
  });

  it('answers /healthz with 200 or 503 by the health callback', async () => {
    const ok = await fetch(`${base}/healthz?probe=1`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', ok: true, redis: 'up' });
    healthy = false;
    const bad = await fetch(`${base}/healthz`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toEqual({ status: 'unhealthy', ok: false, redis: 'down' });
  });

  it('answers 404 JSON for any other path or method', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', '/v1/tasks'],
      ['POST', '/metrics'],
    ] as const) {
      const res = await fetch(`${base}${url}`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'not found' } });
    }
  });

  it('closes safely twice and stops answering', async () => {
    await fetch(`${base}/healthz`).then((res) => res.arrayBuffer());
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('startDiagnosticsServer with a bearer token', () => {
  const token = 'diagnostics-token-for-the-test';
  let server: DiagnosticsServer;
  let base: string;

  beforeAll(async () => {
    server = await startDiagnosticsServer({
      port: 0,
      token,
      metrics: createMetricsRegistry({ defaultLabels: { service: 'test' } }),
      health: () => ({ ok: true }),
    });
    base = `http://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers /metrics only with the token, 401 without it or with another', async () => {
    for (const authorization of [undefined, `Bearer ${token}x`, `Basic ${token}`, token]) {
      const res = await fetch(`${base}/metrics`, {
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^tta_process_cpu_seconds_total\{service="test"\} /m);
  });

  it('leaves /healthz open for probes', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('listens on loopback when no host is given', () => {
    expect(server.host).toBe('127.0.0.1');
  });
});
