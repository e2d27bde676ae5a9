import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { EnqueuedTask } from '@tta/contracts';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { boundPort, closeServer, listen } from '../../apps/api/src/http/http-server';
import { startApiHarness, type ApiHarness } from '../../apps/api/test/integration/api-harness';

const CHROMIUM = '/usr/bin/chromium';
// The player's words: Bull Board must never show them while encryption is on.
const WORDS = 'quince-5521 under the old pier';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(
    `encryption-browser.int.test.ts: SKIPPED: ${CHROMIUM} does not exist (apt-get install chromium)\n`,
  );
}
const suite = haveChromium ? describe : describe.skip;

suite('Bull Board with encryption on, in a browser (Debian chromium)', () => {
  let h: ApiHarness;
  let server: Server;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const key = { id: 'k1', key: randomBytes(32).toString('base64') };
    h = await startApiHarness({ overrides: { encryption: { enabled: 'true', keys: [key] } } });
    server = await listen(h.rawApp, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${boundPort(server)}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await closeServer(server);
    await h?.close();
  });

  it('shows [encrypted] for the player text of a job, never the text', async () => {
    // Nothing serves the capability: the task waits in its queue with its data.
    const task = (
      await request(h.app)
        .post('/v1/tasks')
        .send({ capability: 'narrative.generate', input: { text: WORDS } })
        .expect(202)
    ).body as EnqueuedTask;
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name="key"]', h.apiKey);
    await Promise.all([page.waitForURL(`${base}/admin/queues`), page.click('button[type=submit]')]);
    await page.goto(`${base}/admin/queues/queue/${task.queue}/${encodeURIComponent(task.id)}`);
    await page.getByText('[encrypted]').first().waitFor({ timeout: 15_000 });
    expect(await page.content()).not.toContain('quince');
    // The owner still reads the words through the API.
    const view = await request(h.app).get(`/v1/tasks/${task.id}`).expect(200);
    expect(view.body.input).toEqual({ text: WORDS });
  });
});
