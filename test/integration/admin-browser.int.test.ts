import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { AgentRuntime, defineAgent, type AgentHandler } from '@tta/agent-sdk';
import { AgentRegistry, createLogger, SafetyEventStore, type NewSafetyEvent } from '@tta/core';
import { createTestRedis, REPO_ROOT, waitFor } from '@tta/test-utils';
import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { boundPort, closeServer, listen } from '../../apps/api/src/http/http-server';
import { startApiHarness, type ApiHarness } from '../../apps/api/test/integration/api-harness';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.join(REPO_ROOT, 'docs/screenshots');
const FAILURE = 'the parser could not read "xyzzy": no such word';

function safetyEvent(type: NewSafetyEvent['type'], run: string): NewSafetyEvent {
  return {
    type,
    runId: `workflow~browser-${run}`,
    workflow: 'player-turn',
    sessionId: `session-${run}`,
    level: type,
    categories: type === 'crisis' ? ['suicidal_ideation'] : ['hopelessness'],
    layers: ['patterns'],
    sessionReasons: [],
    shown: type === 'concern' ? 'check_in' : 'crisis_response',
    at: Date.now(),
  };
}

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(
    `admin-browser.int.test.ts: SKIPPED: ${CHROMIUM} does not exist (apt-get install chromium)\n`,
  );
}
const suite = haveChromium ? describe : describe.skip;

suite('the admin pages in a browser (Debian chromium, playwright-core)', () => {
  let h: ApiHarness;
  let server: Server;
  let base: string;
  let redis: Redis;
  let browser: Browser;
  let page: Page;
  let releaseNarration!: () => void;
  const runtimes: AgentRuntime[] = [];

  async function startAgent(
    type: string,
    capability: string,
    handler: AgentHandler,
    labels: Record<string, string> = {},
  ): Promise<AgentRuntime> {
    const runtime = new AgentRuntime(
      defineAgent({ type, capabilities: [capability], concurrency: 2, labels, handler }),
      {
        connection: redis,
        names: h.services.names,
        registry: new AgentRegistry(redis, { names: h.services.names, ttlMs: 3000 }),
        logger: createLogger({ level: 'error' }),
        heartbeatIntervalMs: 500,
      },
    );
    runtimes.push(runtime);
    await runtime.start();
    return runtime;
  }

  beforeAll(async () => {
    h = await startApiHarness({ overrides: { routing: { snapshotTtlMs: 0 } } });
    server = await listen(h.rawApp, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${boundPort(server)}`;
    redis = createTestRedis('worker');
    const narration = new Promise<void>((resolve) => (releaseNarration = resolve));
    await startAgent(
      'narrative-generator',
      'narrative.generate',
      async () => {
        await narration;
        return { passage: 'The door creaks open.' };
      },
      { tier: 'fast' },
    );
    await startAgent('input-processor', 'input.parse', async () => {
      throw new UnrecoverableError(FAILURE);
    });
    await startAgent('world-builder', 'world.read', async () => ({ rooms: 1 }));
    // One that has already left, for the greyed list.
    const retired = await startAgent('world-builder', 'world.read', async () => ({ rooms: 1 }));
    await retired.stop();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    releaseNarration?.();
    await browser?.close();
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    if (server) await closeServer(server);
    await redis?.quit();
    await h?.close();
  });

  it('refuses Bull Board without credentials and sends the browser to the login form', async () => {
    const api = await page.request.get(`${base}/admin/queues/api/queues`);
    expect(api.status()).toBe(401);
    await page.goto(`${base}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
  });

  it('logs in with an admin key and lists every queue in Bull Board', async () => {
    await page.fill('input[name="key"]', h.apiKey);
    await Promise.all([page.waitForURL(`${base}/admin/queues`), page.click('button[type=submit]')]);
    for (const queue of [
      'cap.input.parse',
      'cap.narrative.generate',
      'cap.narrative.generate.tier-fast',
      'workflow',
      'dead-letter',
    ]) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
  });

  it('shows a failed job with its error', async () => {
    const enqueued = await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'input.parse', input: { text: 'xyzzy' } })
      .expect(202);
    const id = (enqueued.body as { id: string }).id;
    await waitFor(async () => (await h.queue('cap.input.parse').getJobState(id)) === 'failed', {
      what: 'the task to fail',
    });
    await request(h.app)
      .post('/v1/tasks')
      .send({ capability: 'narrative.generate', input: { text: 'open the door' } })
      .expect(202);
    await page.goto(`${base}/admin/queues/queue/cap.input.parse?status=failed`);
    await page.getByText(FAILURE).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'bull-board.png') });
    await page.goto(`${base}/admin/queues/queue/cap.input.parse/${encodeURIComponent(id)}`);
    await page.getByText(FAILURE).first().waitFor({ timeout: 15_000 });
  });

  it('lists the live agents and drains one: draining while its task runs, then gone', async () => {
    const [narrator, parser, builder, retired] = runtimes;
    await page.goto(`${base}/admin/agents`);
    await page.locator(`#gone-agents tr[data-agent-id="${retired!.id}"]`).waitFor();
    for (const runtime of [narrator!, parser!, builder!]) {
      await page.locator(`#live-agents tr[data-agent-id="${runtime.id}"]`).waitFor();
    }
    const row = page.locator(`#live-agents tr[data-agent-id="${narrator!.id}"]`);
    await expect(row.locator('td').nth(4).textContent()).resolves.toBe('tier=fast');
    await Promise.all([
      page.waitForURL(/\/admin\/agents\?drained=/),
      row.getByRole('button', { name: 'Drain' }).click(),
    ]);
    await page.getByText(`Drain requested for ${narrator!.id}`).waitFor();
    await page
      .locator(`#live-agents tr[data-agent-id="${narrator!.id}"] .status-draining`)
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'agents.png') });
    releaseNarration();
    // The page reloads itself every 5 s: the agent shows up as gone without any action.
    const gone = page.locator(`#gone-agents tr[data-agent-id="${narrator!.id}"]`);
    await gone.waitFor({ timeout: 15_000 });
    await expect(gone.textContent()).resolves.toContain(
      'drained: requested on the agents page by key harness-admin',
    );
    expect(narrator!.state).toBe('stopped');
  });

  it('shows a new crisis on the safety page live, above an older concern, and acknowledges it', async () => {
    const store = new SafetyEventStore(redis, { names: h.services.names });
    const concern = (await store.record(safetyEvent('concern', 'older'), Date.now() - 60_000))
      .event;
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const blocked: string[] = [];
    try {
      const safety = await context.newPage();
      safety.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
      });
      await safety.goto(`${base}/admin/safety`);
      expect(new URL(safety.url()).pathname).toBe('/admin/login');
      await safety.fill('input[name="key"]', h.apiKey);
      await Promise.all([
        safety.waitForURL(`${base}/admin/safety`),
        safety.click('button[type=submit]'),
      ]);
      // The agents page and the safety page link to each other.
      await safety.getByRole('link', { name: 'Agents' }).click();
      await safety.waitForURL(`${base}/admin/agents`);
      await safety.getByRole('link', { name: 'Safety' }).click();
      await safety.waitForURL(`${base}/admin/safety`);
      await safety.locator(`tr[data-event-id="${concern.id}"]`).waitFor();
      await safety.locator('#live-state', { hasText: /^live$/ }).waitFor({ timeout: 15_000 });
      // A reload would drop this mark.
      await safety.evaluate(() => ((globalThis as Record<string, unknown>).notReloaded = true));

      const crisis = (await store.record(safetyEvent('crisis', 'newer'))).event;
      const row = safety.locator(`tr[data-event-id="${crisis.id}"]`);
      await row.waitFor({ timeout: 15_000 });
      const rows = safety.locator('#safety-events-body tr');
      const order = await Promise.all(
        Array.from({ length: await rows.count() }, (_, i) =>
          rows.nth(i).getAttribute('data-event-id'),
        ),
      );
      expect(order[0]).toBe(crisis.id);
      expect(order.indexOf(concern.id)).toBeGreaterThan(0);
      await expect(row.locator('td').nth(4).textContent()).resolves.toBe('session-newer');
      await expect(
        safety.evaluate(() => (globalThis as Record<string, unknown>).notReloaded),
      ).resolves.toBe(true);

      await Promise.all([
        safety.waitForURL(/\/admin\/safety\?acknowledged=/),
        row.getByRole('button', { name: 'Acknowledge' }).click(),
      ]);
      await safety.getByText(`Acknowledged ${crisis.id}.`).waitFor();
      await row.locator('.status-acknowledged', { hasText: 'acknowledged' }).waitFor();
      await expect(store.get(crisis.id)).resolves.toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'harness-admin',
      });

      // Resolved elsewhere: the concern leaves the open page without a reload.
      await safety.evaluate(() => ((globalThis as Record<string, unknown>).notReloaded = true));
      await store.resolve(concern.id, 'dr-ana');
      await safety
        .locator(`tr[data-event-id="${concern.id}"]`)
        .waitFor({ state: 'detached', timeout: 15_000 });
      await expect(
        safety.evaluate(() => (globalThis as Record<string, unknown>).notReloaded),
      ).resolves.toBe(true);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
