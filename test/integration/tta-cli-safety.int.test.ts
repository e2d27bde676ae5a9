import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  freePort,
  hashApiKey,
  SafetyEventStore,
  type NewSafetyEvent,
  type QueueNames,
  type SafetyAuditEntry,
  type SafetyEvent,
} from '@tta/core';
import {
  createTestRedis,
  deletePrefix,
  spawnNode,
  stopProcess,
  testRedisUrl,
  uniqueNames,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { startTta, tta } from '../../packages/client/test/support/spawn-tta';

const REVIEWER_KEY = 'reviewer-key-cli-0123456789';
const READER_KEY = 'reader-key-cli-0123456789';

// `tta safety` against the built API, with a key that holds only `safety:review`; the events
// are recorded straight into the API's Redis prefix, as a player turn's safety gate does.
describe('tta safety against the API', () => {
  let redis: Redis;
  let names: QueueNames;
  let api: TestProcess | undefined;
  let store: SafetyEventStore;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let runs = 0;
  const session = `cli-safety-${Date.now()}`;
  const start = Date.now() - 60_000;

  beforeAll(async () => {
    redis = createTestRedis();
    names = uniqueNames();
    store = new SafetyEventStore(redis, { names });
    dir = await mkdtemp(path.join(tmpdir(), 'tta-cli-safety-'));
    const port = await freePort();
    const keys = [
      // Reviewers see the events of their own game server's runs (docs/AUTH.md, Owners).
      {
        id: 'reviewer',
        owner: 'game',
        hash: hashApiKey(REVIEWER_KEY),
        scopes: ['safety:review'],
      },
      { id: 'reader', owner: 'game', hash: hashApiKey(READER_KEY), scopes: ['tasks:read'] },
    ];
    api = spawnNode('apps/api/dist/main.js', [], {
      REDIS_URL: testRedisUrl(),
      TTA_REDIS_PREFIX: names.prefix,
      TTA_API_HOST: '127.0.0.1',
      PORT: String(port),
      TTA_API_KEYS: JSON.stringify(keys),
    });
    const url = `http://127.0.0.1:${port}`;
    env = { TTA_URL: url, TTA_API_KEY: REVIEWER_KEY };
    const running = api;
    await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, {
      timeoutMs: 15_000,
      what: 'the API to listen',
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${running.output()}`);
    });
  });

  afterAll(async () => {
    if (api) await stopProcess(api);
    await deletePrefix(redis, names.prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  async function record(type: NewSafetyEvent['type'], agoMs: number): Promise<SafetyEvent> {
    runs += 1;
    const event: NewSafetyEvent = {
      type,
      runId: `workflow~00000000-0000-4000-8000-${String(runs).padStart(12, '0')}`,
      workflow: 'player-turn',
      sessionId: session,
      owner: 'game',
      level: type === 'screen_unavailable' ? 'unknown' : type,
      categories: type === 'crisis' ? ['suicidal_ideation'] : [],
      layers: ['patterns'],
      sessionReasons: [],
      shown: type === 'concern' ? 'check_in' : 'crisis_response',
      at: start - agoMs,
    };
    return (await store.record(event, start - agoMs)).event;
  }

  let crisisOld: SafetyEvent;
  let crisisNew: SafetyEvent;
  let unavailable: SafetyEvent;
  let concern: SafetyEvent;

  beforeAll(async () => {
    concern = await record('concern', 5000);
    crisisNew = await record('crisis', 1000);
    unavailable = await record('screen_unavailable', 3000);
    crisisOld = await record('crisis', 4000);
  });

  it('list prints the queue most severe first, then oldest', async () => {
    const outcome = await tta(['safety', 'list', '--session', session], env);
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = outcome.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TYPE\s+STATUS\s+AGE\s+SESSION\s+CATEGORIES\s+ID$/);
    expect(rows.map((row) => row.split(/\s+/))).toEqual([
      ['crisis', 'open', '1m', session, 'suicidal_ideation', crisisOld.id],
      ['crisis', 'open', '1m', session, 'suicidal_ideation', crisisNew.id],
      ['screen_unavailable', 'open', '1m', session, '-', unavailable.id],
      ['concern', 'open', '1m', session, '-', concern.id],
    ]);
    const crises = await tta(['safety', 'list', '--session', session, '--level', 'crisis'], env);
    expect(crises.stdout.trimEnd().split('\n')).toHaveLength(3);
    const page = await tta(['safety', 'list', '--session', session, '--limit', '1', '--json'], env);
    const body = JSON.parse(page.stdout) as { events: SafetyEvent[]; nextCursor: string };
    expect(body.events.map((e) => e.id)).toEqual([crisisOld.id]);
    const next = await tta(['safety', 'list', '--limit', '1', '--cursor', body.nextCursor], env);
    expect(next.stdout).toContain(crisisNew.id);
  });

  it('show prints one event, and exits 3 for an unknown id', async () => {
    const outcome = await tta(['safety', 'show', crisisOld.id], env);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`^id +${crisisOld.id}\n`));
    expect(outcome.stdout).toMatch(/\nstatus +open\n/);
    expect(outcome.stdout).toMatch(new RegExp(`\nsession +${session}\n`));
    expect(outcome.stdout).toMatch(/\ncategories +suicidal_ideation\n/);
    const unknown = await tta(['safety', 'show', 'sev_000000000000000000000000'], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/^tta: 404 not_found: [^\n]+\n$/);
  });

  it('ack acknowledges once; a second ack is a 409 on one line, exit 3', async () => {
    const ack = ['safety', 'ack', crisisOld.id, '--reviewer', 'dr-ana', '--note', 'called them'];
    const first = await tta(ack, env);
    expect(first).toEqual({
      code: 0,
      stdout: `${crisisOld.id} acknowledged by dr-ana\n`,
      stderr: '',
    });
    const stored = await store.get(crisisOld.id);
    expect(stored).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'dr-ana' });
    expect(stored.notes.map((n) => n.note)).toEqual(['called them']);
    const second = await tta(ack, env);
    expect(second.code).toBe(3);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/^tta: 409 review_conflict: [^\n]*acknowledged[^\n]*\n$/);
    expect((await store.get(crisisOld.id)).notes).toHaveLength(1);
  });

  it('resolve resolves an open event, and a second resolve is refused', async () => {
    const event = await record('concern', 0);
    const resolve = ['safety', 'resolve', event.id, '--reviewer', 'dr-ben', '--json'];
    const outcome = await tta(resolve, env);
    expect(outcome.code).toBe(0);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ status: 'resolved', resolvedBy: 'dr-ben' });
    expect((await store.get(event.id)).status).toBe('resolved');
    const again = await tta(resolve, env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^tta: 409 review_conflict: [^\n]*resolved[^\n]*\n$/);
    const open = await tta(['safety', 'list', '--session', session, '--status', 'open'], env);
    expect(open.stdout).not.toContain(event.id);
    expect(open.stdout).toContain(crisisNew.id);
  });

  it('export prints the audit trail as JSON lines, the reviews included, or writes it to a file', async () => {
    const event = await record('crisis', 0);
    await tta(['safety', 'ack', event.id, '--reviewer', 'dr-cy', '--note', 'on it'], env);
    const since = new Date(start - 10_000).toISOString();
    const outcome = await tta(['safety', 'export', '--since', since], env);
    expect(outcome).toMatchObject({ code: 0, stderr: '' });
    const entries = outcome.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as SafetyAuditEntry);
    const mine = entries.filter((e) => e.eventId === event.id);
    expect(mine.map((e) => e.action)).toEqual(['event', 'acknowledged']);
    expect(mine[0]?.event).toMatchObject({ id: event.id, type: 'crisis', sessionId: session });
    expect(mine[1]).toMatchObject({ by: 'dr-cy', note: 'on it' });
    // Oldest first: the audit trail is in the order things happened, not the queue's.
    const recorded = entries.filter((e) => e.action === 'event').map((e) => e.eventId);
    expect(recorded.slice(0, 4)).toEqual([concern.id, crisisNew.id, unavailable.id, crisisOld.id]);
    const file = path.join(dir, 'audit.jsonl');
    const written = await tta(['safety', 'export', '--since', since, '--output', file], env);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(await readFile(file, 'utf8')).toBe(outcome.stdout);
  });

  it('watch prints a line per audit entry until Ctrl-C', async () => {
    const event = await record('crisis', 0);
    await store.acknowledge(event.id, 'dr-ana', 'called them');
    await store.resolve(event.id, 'dr-ben');
    const watch = startTta(['safety', 'watch', '--after', '0-0'], env);
    const resolved = new RegExp(` resolved +${event.id} +crisis +by dr-ben\n`);
    await waitFor(() => resolved.test(watch.stdout()), {
      what: 'the resolution in the watch output',
    });
    watch.signal('SIGINT');
    const outcome = await watch.ended;
    expect(outcome.code).toBe(130);
    expect(outcome.stderr).toBe('\ntta: interrupted\n');
    const entries = await store.audit({ count: 1000 });
    const lines = outcome.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(entries.length);
    expect(lines.filter((line) => line.includes(event.id))).toEqual([
      expect.stringMatching(/ event +\S+ +crisis +session \S+ +suicidal_ideation$/),
      expect.stringMatching(/ acknowledged +\S+ +crisis +by dr-ana: called them$/),
      expect.stringMatching(/ resolved +\S+ +crisis +by dr-ben$/),
    ]);
  });

  it('exits 3 with one line for a key without the safety:review scope', async () => {
    const outcome = await tta(['safety', 'list', '--key', READER_KEY], env);
    expect(outcome).toMatchObject({ code: 3, stdout: '' });
    expect(outcome.stderr).toMatch(/^tta: 403 forbidden: [^\n]+\n$/);
  });
});
