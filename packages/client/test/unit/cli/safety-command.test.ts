import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SafetyAuditEntry, SafetyEvent } from '../../../src';
import { startLocalApi, type LocalApi, type LocalHandler } from '../../support/local-api';
import { runTta, type RunTtaOptions, type TtaOutcome } from '../../support/run-tta';

let api: LocalApi;
let handler: LocalHandler;
let dir: string;

beforeAll(async () => {
  api = await startLocalApi((req) => handler(req));
  dir = await mkdtemp(path.join(tmpdir(), 'tta-safety-'));
});

afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  api.requests.length = 0;
  handler = () => ({ status: 500, json: { error: { code: 'internal', message: 'unexpected' } } });
});

function tta(argv: string[], options: Omit<RunTtaOptions, 'url'> = {}): Promise<TtaOutcome> {
  return runTta(['safety', ...argv], { url: api.url, ...options });
}

function safetyEvent(overrides: Partial<SafetyEvent> = {}): SafetyEvent {
  return {
    id: 'sev_000000000000000000000001',
    type: 'crisis',
    status: 'open',
    severity: 3,
    runId: 'workflow~1',
    workflow: 'player-turn',
    sessionId: 's1',
    level: 'crisis',
    categories: ['suicidal_ideation'],
    layers: ['patterns'],
    sessionReasons: [],
    shown: 'crisis_response',
    at: Date.now() - 7_200_000,
    createdAt: Date.now() - 7_200_000,
    notes: [],
    notifications: 0,
    ...overrides,
  };
}

const ID = 'sev_000000000000000000000001';
const ndjson = (entries: SafetyAuditEntry[]) => ({
  status: 200,
  contentType: 'application/x-ndjson',
  chunks: entries.map((e) => `${JSON.stringify(e)}\n`),
});

describe('tta safety list', () => {
  it('prints the events as a table in the order the API gives, and how to get more', async () => {
    const concern = safetyEvent({
      id: 'sev_000000000000000000000002',
      type: 'concern',
      severity: 1,
      sessionId: undefined,
      categories: [],
      createdAt: Date.now() - 90_000,
    });
    handler = () => ({ status: 200, json: { events: [safetyEvent(), concern], nextCursor: 'c1' } });
    const outcome = await tta(['list', '--status', 'open', '--level', 'crisis', '--limit', '2']);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.split('\n')).toEqual([
      'TYPE     STATUS  AGE  SESSION  CATEGORIES         ID',
      `crisis   open    2h   s1       suicidal_ideation  ${ID}`,
      'concern  open    1m   -        -                  sev_000000000000000000000002',
      '',
    ]);
    expect(outcome.stderr).toBe('more events: add --cursor c1\n');
    expect(api.requests[0]?.url).toBe('/v1/safety/events?status=open&level=crisis&limit=2');
  });

  it('prints the page as JSON with --json, and says when there are none', async () => {
    const page = { events: [safetyEvent()] };
    handler = () => ({ status: 200, json: page });
    const json = await tta(['list', '--json', '--session', 's1']);
    expect(JSON.parse(json.stdout)).toEqual(page);
    expect(api.requests[0]?.url).toBe('/v1/safety/events?sessionId=s1');
    handler = () => ({ status: 200, json: { events: [] } });
    expect(await tta(['list'])).toEqual({ code: 0, stdout: 'no safety events\n', stderr: '' });
  });
});

describe('tta safety usage', () => {
  it.each([
    [[], /^tta: missing action: use list, show/],
    [['purge'], /^tta: unknown action 'purge'/],
    [['list', '--status', 'closed'], /^tta: --status must be open, acknowledged or resolved/],
    [['list', '--level', 'high'], /^tta: --level must be crisis, concern or unknown, not 'high'/],
    [['list', '--reviewer', 'dr-ana'], /^tta: --reviewer is not an option of 'list'/],
    [['show'], /^tta: missing <event-id>/],
    [['ack', ID], /^tta: missing --reviewer <name>/],
    [['resolve', ID, '--reviewer', ' '], /^tta: missing --reviewer <name>/],
    [['watch', '--after', 'yesterday'], /^tta: --after must be an audit entry id/],
    [['export', '--since', 'last week'], /^tta: --since must be an ISO time or epoch ms/],
  ])('exits 2 with one line for %j, asking nothing of the API', async (argv, message) => {
    const outcome = await tta(argv);
    expect(outcome).toMatchObject({ code: 2, stdout: '' });
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr).toMatch(/\(see 'tta safety --help'\)\n$/);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(api.requests).toEqual([]);
  });
});

describe('tta safety show, ack and resolve', () => {
  it('shows an event with its review and notes', async () => {
    const at = Date.UTC(2025, 0, 2, 3, 4, 5);
    const event = safetyEvent({
      status: 'acknowledged',
      acknowledgedAt: at,
      acknowledgedBy: 'dr-ana',
      notes: [{ by: 'dr-ana', action: 'acknowledged', note: 'called\nthe player', at }],
    });
    handler = () => ({ status: 200, json: event });
    const outcome = await tta(['show', ID]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`^id +${ID}\n`));
    expect(outcome.stdout).toContain('\nstatus        acknowledged\n');
    expect(outcome.stdout).toContain('\nacknowledged  2025-01-02T03:04:05.000Z by dr-ana\n');
    expect(outcome.stdout).not.toContain('\nresolved');
    expect(outcome.stdout).toMatch(
      /\nnotes:\n {2}2025-01-02T03:04:05\.000Z {2}dr-ana \(acknowledged\): called the player\n$/,
    );
    expect(api.requests[0]?.url).toBe(`/v1/safety/events/${ID}`);
  });

  it('acknowledges and resolves with the reviewer and note', async () => {
    handler = (req) => ({
      status: 200,
      json: safetyEvent({ status: req.url.endsWith('/ack') ? 'acknowledged' : 'resolved' }),
    });
    const ack = await tta(['ack', ID, '--reviewer', 'dr-ana', '--note', 'called']);
    expect(ack).toEqual({ code: 0, stdout: `${ID} acknowledged by dr-ana\n`, stderr: '' });
    const resolved = await tta(['resolve', ID, '--reviewer', 'dr-ben', '--json']);
    expect(JSON.parse(resolved.stdout)).toMatchObject({ id: ID, status: 'resolved' });
    expect(api.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', `/v1/safety/events/${ID}/ack`, { reviewer: 'dr-ana', note: 'called' }],
      ['POST', `/v1/safety/events/${ID}/resolve`, { reviewer: 'dr-ben' }],
    ]);
  });

  it('exits 3 with one line when the review conflicts with the status', async () => {
    const message = `safety event '${ID}' is acknowledged: it cannot be acknowledged`;
    handler = () => ({ status: 409, json: { error: { code: 'review_conflict', message } } });
    const outcome = await tta(['ack', ID, '--reviewer', 'dr-ana']);
    expect(outcome).toEqual({
      code: 3,
      stdout: '',
      stderr: `tta: 409 review_conflict: ${message}\n`,
    });
  });
});

describe('tta safety watch', () => {
  it('prints a line per entry and, when the API ends the stream, how to resume', async () => {
    const at = Date.UTC(2025, 0, 2);
    const event = safetyEvent({ status: 'acknowledged' });
    handler = () => ({
      status: 200,
      events: [
        {
          event: 'safety',
          data: { entry: { id: '5-0', action: 'event', eventId: ID, at, event } },
        },
        {
          event: 'safety',
          data: {
            entry: {
              id: '5-1',
              action: 'acknowledged',
              eventId: ID,
              at,
              by: 'dr-ana',
              note: 'on it',
            },
            event,
          },
        },
      ],
    });
    const outcome = await tta(['watch', '--after', '4-0']);
    const time = '2025-01-02T00:00:00.000Z';
    expect(outcome.stdout.split('\n')).toEqual([
      `${time}  event         ${ID}  crisis  session s1  suicidal_ideation`,
      `${time}  acknowledged  ${ID}  crisis  by dr-ana: on it`,
      '',
    ]);
    // The local API numbers its events 1, 2...: the last one seen is where to resume.
    expect(outcome.code).toBe(4);
    expect(outcome.stderr).toBe(
      "tta: the safety event stream ended; resume with 'tta safety watch --after 2'\n",
    );
    expect(api.requests[0]?.headers['last-event-id']).toBe('4-0');
  });

  it('exits 130 on Ctrl-C', async () => {
    const interrupt = new AbortController();
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const entry = { id: '5-0', action: 'event', eventId: ID, at: 0 };
    handler = () => ({
      status: 200,
      contentType: 'text/event-stream',
      chunks: (async function* () {
        yield `id: 5-0\nevent: safety\ndata: ${JSON.stringify({ entry })}\n\n`;
        await released;
      })(),
    });
    const outcome = await tta(['watch', '--json'], {
      signal: interrupt.signal,
      onStdout: () => interrupt.abort(new Error('interrupted')),
    });
    release();
    expect(outcome.code).toBe(130);
    expect(JSON.parse(outcome.stdout)).toEqual({ entry });
  });
});

describe('tta safety export', () => {
  const entries: SafetyAuditEntry[] = [
    { id: '7-0', action: 'event', eventId: ID, at: 7 },
    { id: '7-1', action: 'acknowledged', eventId: ID, at: 8, by: 'dr-ana' },
  ];

  it('prints the audit trail as JSON lines from --since (ISO or epoch ms)', async () => {
    handler = () => ndjson(entries);
    const outcome = await tta(['export', '--since', '2025-01-02T00:00:00Z']);
    expect(outcome.code).toBe(0);
    expect(
      outcome.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(entries);
    expect(api.requests[0]?.url).toBe(`/v1/safety/audit?since=${Date.UTC(2025, 0, 2)}`);
    await tta(['export', '--since', '1700000000000']);
    expect(api.requests[1]?.url).toBe('/v1/safety/audit?since=1700000000000');
  });

  it('writes --output whole, and leaves the file as it was when the export fails', async () => {
    const file = path.join(dir, 'audit.jsonl');
    handler = () => ndjson(entries);
    const written = await tta(['export', '--output', file]);
    expect(written).toEqual({
      code: 0,
      stdout: '',
      stderr: `2 audit entries written to ${file}\n`,
    });
    const text = await readFile(file, 'utf8');
    expect(text).toBe(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));

    await writeFile(file, 'the previous export\n');
    handler = () => ({ status: 403, json: { error: { code: 'forbidden', message: 'no' } } });
    expect((await tta(['export', '--output', file])).code).toBe(3);
    handler = () => ({ ...ndjson(entries), chunks: ['{"id":"7-0"}\n', '{"id":'] });
    expect((await tta(['export', '--output', file])).code).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('the previous export\n');
    expect(await readdir(dir)).toEqual(['audit.jsonl']);
  });
});
