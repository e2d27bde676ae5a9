import { parsePrometheusText } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

describe('GET /metrics with Redis down', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ redisUrl: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await h.close();
  });

  it('still answers with the process metrics, and no stale queue or agent gauges', async () => {
    const startedAt = Date.now();
    const res = await request(h.app).get('/metrics').expect(200);
    // The gauges read from Redis fail fast on the producer connection, long before a scrape times out.
    expect(Date.now() - startedAt).toBeLessThan(5000);
    const families = parsePrometheusText(res.text);
    expect(families.get('tta_process_cpu_user_seconds_total')?.samples.length).toBe(1);
    for (const name of ['tta_queue_jobs', 'tta_agents_live', 'tta_agent_capacity']) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type: 'gauge' });
      expect({ name, samples: families.get(name)?.samples }).toEqual({ name, samples: [] });
    }
    expect(h.logs.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'metrics: queue depths not read',
        'metrics: agent registry not read',
      ]),
    );
  });

  it('answers GET /v1/diagnostics with 503 redis_unavailable', async () => {
    const res = await request(h.app).get('/v1/diagnostics').expect(503);
    expect(res.body).toMatchObject({ error: { code: 'redis_unavailable' } });
  });
});
