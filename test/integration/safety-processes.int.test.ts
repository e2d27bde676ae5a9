import { freePort, type QueueNames } from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  spawnNode,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { WebhookReceiver, verifySignature } from './webhook-receiver';

const SECRET = 'processes-webhook-secret';
const KEY = 'tta-dev-key';
const TURNS = 200;

interface RunView {
  id: string;
  status: string;
  outcome?: string;
  result?: { safety?: { eventId?: string } };
  timings: { finishedAt?: number };
}

// The safety system across real processes (`npm start`: API, supervisor, one worker per agent
// type): crisis turns reach a webhook through the supervisor, reviewers work the queue over
// HTTP, and a system without an input-processor fails closed.
describe('safety across real processes', () => {
  let redis: Redis;
  let names: QueueNames;
  let receiver: WebhookReceiver;
  let url: string;
  let system: TestProcess | undefined;

  beforeAll(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    receiver = new WebhookReceiver();
    url = await receiver.listen();
  });

  afterEach(async () => {
    system?.signal('SIGKILL');
    await system?.exited;
    system = undefined;
  });

  afterAll(async () => {
    await deletePrefix(redis, names.prefix);
    await redis.quit();
    await receiver.close();
  });

  async function start(env: Record<string, string>, agents: number): Promise<string> {
    const port = await freePort();
    system = spawnNode('scripts/start.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      PORT: String(port),
      TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
      TTA_WORKER_DIAGNOSTICS_PORT: '-1',
      TTA_SAFETY_WEBHOOK_URLS: url,
      TTA_SAFETY_WEBHOOK_SECRET: SECRET,
      // The test polls 20 runs at once: the dev key's 100 requests a second would refuse it.
      TTA_RATE_LIMIT_POINTS: '1000000',
      ...env,
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        const answer = (await call(base, 'GET', '/v1/agents?status=ready').catch(() => ({
          agents: [],
        }))) as { agents: unknown[] };
        return answer.agents.length === agents ? answer.agents : undefined;
      },
      { timeoutMs: 30_000, what: `${agents} live agents` },
    );
    return base;
  }

  async function call(
    base: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const data = await res.json();
    if (!res.ok)
      throw Object.assign(new Error(`${method} ${path}: ${res.status}`), {
        status: res.status,
        data,
      });
    return data;
  }

  async function turn(base: string, sessionId: string, text: string): Promise<RunView> {
    const { id } = (await call(base, 'POST', '/v1/workflows/player-turn/runs', {
      sessionId,
      input: { text },
    })) as { id: string };
    return waitFor(
      async () => {
        const view = (await call(base, 'GET', `/v1/workflow-runs/${id}`)) as RunView;
        return view.status === 'completed' || view.status === 'failed' ? view : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50, what: `run ${id}` },
    );
  }

  it(`delivers ${TURNS} crisis turns to a signed webhook within 2 s, and the review queue acknowledges them once`, async () => {
    const base = await start({}, 3);
    const runs: RunView[] = [];
    const texts = [
      'I want to kill myself',
      'i am going to end my life tonight',
      'i took all my pills',
    ];
    for (let i = 0; i < TURNS; i += 20) {
      const batch = Array.from({ length: Math.min(20, TURNS - i) }, (_, k) =>
        turn(base, `proc-${i + k}-${Date.now()}`, texts[(i + k) % texts.length] ?? ''),
      );
      runs.push(...(await Promise.all(batch)));
    }
    expect(runs.filter((r) => r.outcome !== 'crisis')).toEqual([]);
    const latencies = await waitFor(
      () => {
        const found = runs.map((run) => {
          const id = run.result?.safety?.eventId ?? '';
          const first = receiver.of(id).find((d) => d.body.notification === 0);
          return first && first.at - (run.timings.finishedAt ?? 0);
        });
        return found.every((f) => f !== undefined) ? found : undefined;
      },
      { timeoutMs: 20_000, what: 'every crisis delivered' },
    );
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
    console.log(
      `crisis turn to webhook delivery over ${TURNS} turns: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${sorted.at(-1)} ms`,
    );
    expect(p(0.99)).toBeLessThan(2000);
    expect(receiver.deliveries.every((d) => verifySignature(d, SECRET))).toBe(true);
    expect(receiver.deliveries.some((d) => d.raw.includes('kill myself'))).toBe(false);

    const page = (await call(
      base,
      'GET',
      '/v1/safety/events?status=open&level=crisis&limit=500',
    )) as {
      events: Array<{ id: string; type: string }>;
    };
    expect(page.events.length).toBeGreaterThanOrEqual(TURNS);
    const id = page.events[0]?.id ?? '';
    await expect(
      call(base, 'POST', `/v1/safety/events/${id}/ack`, { reviewer: 'on-call' }),
    ).resolves.toMatchObject({
      status: 'acknowledged',
    });
    await expect(
      call(base, 'POST', `/v1/safety/events/${id}/ack`, { reviewer: 'on-call' }),
    ).rejects.toMatchObject({
      status: 409,
    });
  }, 120_000);

  it('fails closed with the input-processor stopped: the supportive response and a screen_unavailable event', async () => {
    const base = await start(
      {
        TTA_AGENTS: JSON.stringify({ 'input-processor': { enabled: false } }),
        TTA_SAFETY_SCREEN_DEADLINE_MS: '2000',
      },
      2,
    );
    const run = await turn(base, `closed-${Date.now()}`, 'go north');
    expect(run).toMatchObject({ status: 'completed', outcome: 'screen_unavailable' });
    const eventId = run.result?.safety?.eventId ?? '';
    expect(await call(base, 'GET', `/v1/safety/events/${eventId}`)).toMatchObject({
      type: 'screen_unavailable',
      shown: 'crisis_response',
    });
    await waitFor(() => receiver.of(eventId)[0], {
      timeoutMs: 5000,
      what: 'the screen_unavailable webhook',
    });
  }, 90_000);
});
