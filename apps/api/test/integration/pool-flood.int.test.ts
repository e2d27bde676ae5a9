import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { knownQueuesKey } from '@tta/core';
import { parsePrometheusText } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const FLOOD = 5000;
const CONCURRENCY = 25;
const GENERIC = 'cap.narrative.generate';

let h: ApiHarness;
let server: Server;
let base: string;

beforeAll(async () => {
  h = await startApiHarness({
    overrides: { agents: { 'narrative-generator': { labels: { tier: 'fast' } } } },
  });
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

/** The size of `/metrics`, its number of samples (but Node's own), and the queues `tta_queue_jobs` names. */
async function scrape(): Promise<{ bytes: number; samples: number; queues: Set<string> }> {
  const res = await request(h.app).get('/metrics').expect(200);
  const family = parsePrometheusText(res.text).get('tta_queue_jobs');
  const queues = new Set((family?.samples ?? []).map((s) => s.labels.queue as string));
  // Node's own series (garbage collections by kind) come with any load: they are not counted.
  const samples = res.text
    .split('\n')
    .filter((line) => /^[a-z]/.test(line) && !/^tta_(nodejs|process)_/.test(line)).length;
  return { bytes: Buffer.byteLength(res.text), samples, queues };
}

/** Posts one task per tier, `CONCURRENCY` at a time, and counts the answers by status and code. */
async function flood(tiers: string[]): Promise<Map<string, number>> {
  const answers = new Map<string, number>();
  let next = 0;
  const post = async (): Promise<void> => {
    for (let i = next++; i < tiers.length; i = next++) {
      const res = await fetch(`${base}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          capability: 'narrative.generate',
          input: { text: 'x' },
          requirements: { tier: tiers[i] },
        }),
      });
      const body = (await res.json()) as { error?: { code: string } };
      const key = `${res.status} ${body.error?.code ?? ''}`.trim();
      answers.set(key, (answers.get(key) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, post));
  return answers;
}

describe('a flood of new requirements values', () => {
  it('is refused with 422 unknown_requirements, and neither routing nor /metrics grows', async () => {
    // One refusal and one scrape first, so that the series of their own answers exist.
    expect(Object.fromEntries(await flood(['warm-up']))).toEqual({ '422 unknown_requirements': 1 });
    await scrape();
    const before = await scrape();
    const knownBefore = await h.services.router.refreshQueues();
    const storedBefore = await h.redis.zcard(knownQueuesKey(h.services.names));
    const tiers = Array.from({ length: FLOOD }, (_, i) => `flood${i}`);
    const answers = await flood(tiers);
    expect(Object.fromEntries(answers)).toEqual({ '422 unknown_requirements': FLOOD });
    expect(await h.jobTotal()).toBe(0);
    expect(await h.services.router.refreshQueues()).toEqual(knownBefore);
    expect(await h.redis.zcard(knownQueuesKey(h.services.names))).toBe(storedBefore);
    const after = await scrape();
    expect([...after.queues].sort()).toEqual([...before.queues].sort());
    expect(after.samples).toBe(before.samples);
    // Values grow by a few digits, and Node's series by its garbage collections: not per value.
    expect(after.bytes - before.bytes).toBeLessThan(4096);
  }, 120_000);

  it('refuses a batch with one undeclared item whole, enqueueing none of it', async () => {
    const task = (requirements: Record<string, string>) => ({
      capability: 'narrative.generate',
      input: { text: 'x' },
      requirements,
    });
    const res = await request(h.app)
      .post('/v1/tasks/batch')
      .send({ tasks: [task({ tier: 'fast' }), task({ tier: 'flood-batch' })] })
      .expect(422);
    expect(res.body.error).toMatchObject({
      code: 'unknown_requirements',
      details: { unknown: { tier: 'flood-batch' } },
    });
    expect(await h.jobTotal()).toBe(0);
  });

  it('answers 404 for task ids in pools nobody declared, opening no queue for them', async () => {
    const ids = Array.from(
      { length: 200 },
      (_, i) => `${GENERIC}.tier-crafted${i}~${randomUUID()}`,
    );
    const taps = h.services.events.queues().length;
    for (const id of ids) {
      const path = `/v1/tasks/${encodeURIComponent(id)}`;
      await request(h.app).get(path).expect(404);
      await request(h.app).get(`${path}/events`).expect(404);
      await request(h.app).delete(path).expect(404);
    }
    expect(h.services.events.queues()).toHaveLength(taps);
    expect(await h.services.router.refreshQueues()).not.toContain(`${GENERIC}.tier-crafted0`);
  }, 60_000);

  it('still accepts the labels config declares, and lists their pool', async () => {
    const res = await request(h.app)
      .post('/v1/tasks')
      .send({
        capability: 'narrative.generate',
        input: { text: 'x' },
        requirements: { tier: 'fast' },
      })
      .expect(202);
    expect((res.body as { queue: string }).queue).toBe(`${GENERIC}.tier-fast`);
    const { queues } = await scrape();
    expect(queues).toContain(`${GENERIC}.tier-fast`);
    expect([...queues].filter((q) => q.startsWith(`${GENERIC}.`))).toEqual([
      `${GENERIC}.tier-fast`,
    ]);
  });
});
