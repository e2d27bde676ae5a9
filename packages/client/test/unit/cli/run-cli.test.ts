import { startLocalApi, type LocalApi, type LocalHandler } from '../../support/local-api';
import { runTta, type TtaOutcome } from '../../support/run-tta';

let api: LocalApi;
let handler: LocalHandler;

beforeAll(async () => {
  api = await startLocalApi((req) => handler(req));
});

afterAll(() => api.close());

beforeEach(() => {
  api.requests.length = 0;
  handler = () => ({ status: 500, json: { error: { code: 'internal', message: 'unexpected' } } });
});

/** Runs `tta` against the local API, with its output captured. */
function tta(
  argv: string[],
  options: { tty?: boolean; env?: Record<string, string> } = {},
): Promise<TtaOutcome> {
  return runTta(argv, { url: api.url, ...options });
}

const TASK_ID = 'cap.narrative.generate~0b8e6c8e-1d1a-4f7e-9d52-3d1d2d5c0f10';
const RUN_ID = 'workflow~6a7f3a62-5d4c-4e43-9a7e-0c1f5a7b8c9d';
const passage = 'You stand in a quiet meadow.';
const completedTask = { id: TASK_ID, status: 'completed', result: { passage, tone: 'calm' } };

describe('tta usage', () => {
  it('prints help for the whole tool and for each command', async () => {
    const main = await tta(['--help']);
    expect(main).toMatchObject({ code: 0, stderr: '' });
    for (const command of [
      'enqueue',
      'status',
      'watch',
      'agents',
      'dead-letter',
      'workflow',
      'safety',
      'admin',
    ]) {
      expect(main.stdout).toContain(`  ${command}`);
      const own = await tta([command, '--help']);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: tta ${command}`);
    }
    expect((await tta(['help', 'watch'])).stdout).toContain('Usage: tta watch');
    expect(api.requests).toEqual([]);
  });

  it.each([
    [[], "tta: missing command (see 'tta --help')\n"],
    [['launch'], "tta: unknown command 'launch' (see 'tta --help')\n"],
    [['enqueue', 'x', '--bogus'], "tta: unknown option '--bogus' (see 'tta enqueue --help')\n"],
    [['enqueue'], "tta: missing <capability> (see 'tta enqueue --help')\n"],
    [
      ['enqueue', 'x', '--input', '{nope'],
      /^tta: --input is not valid JSON \(.*\) \(see 'tta enqueue --help'\)\n$/,
    ],
    [['enqueue', 'x', '--input', '[1]'], /^tta: --input must be a JSON object/],
    [['enqueue', 'x', '--priority', 'high'], /^tta: --priority must be an integer, not 'high'/],
    [['status', 'a', 'b'], /^tta: unexpected argument 'b'/],
    [['agents', '--status', 'asleep'], /^tta: --status must be starting, ready or draining/],
    [['dead-letter', 'purge'], /^tta: unknown action 'purge'/],
    [['admin', 'end-session'], /^tta: missing <session-id> \(see 'tta admin --help'\)/],
    [['agents', '--url', 'ftp://host'], /^tta: 'ftp:\/\/host' is not an http or https URL/],
    [['agents', '--url'], /^tta: option '--url' needs a value/],
  ])('exits 2 with one line for %j', async (argv, message) => {
    const outcome = await tta(argv);
    expect(outcome).toMatchObject({ code: 2, stdout: '' });
    expect(outcome.stderr).toMatch(message);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(api.requests).toEqual([]);
  });
});

describe('tta enqueue', () => {
  it('enqueues the task with its options and prints its id', async () => {
    handler = () => ({
      status: 202,
      json: { id: TASK_ID, status: 'queued', queue: 'cap.narrative.generate' },
    });
    const argv = ['enqueue', 'narrative.generate', '--input', '{"text":"look"}', '--session', 's1'];
    const outcome = await tta([...argv, '--priority', '3', '--idempotency-key', 'k1'], {
      env: { TTA_API_KEY: 'env-key' },
    });
    expect(outcome).toEqual({ code: 0, stdout: `${TASK_ID}\n`, stderr: '' });
    expect(api.requests[0]).toMatchObject({
      method: 'POST',
      url: '/v1/tasks',
      body: {
        capability: 'narrative.generate',
        input: { text: 'look' },
        sessionId: 's1',
        priority: 3,
        idempotencyKey: 'k1',
      },
    });
    expect(api.requests[0]?.headers.authorization).toBe('Bearer env-key');
  });

  it('with --wait, follows the task and prints its passage, drawing a bar on a terminal', async () => {
    handler = (req) =>
      req.method === 'POST'
        ? { status: 202, json: { id: TASK_ID, status: 'queued' } }
        : {
            status: 200,
            events: [
              {
                event: 'snapshot',
                data: { id: TASK_ID, capability: 'narrative.generate', status: 'queued' },
              },
              { event: 'active', data: { id: TASK_ID } },
              { event: 'progress', data: { id: TASK_ID, progress: 40 } },
              { event: 'progress', data: { id: TASK_ID, progress: { percent: 100 } } },
              { event: 'completed', data: completedTask },
            ],
          };
    const outcome = await tta(
      ['enqueue', 'narrative.generate', '--input', '{"text":"look"}', '--wait'],
      {
        tty: true,
      },
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe(`${passage}\n`);
    expect(outcome.stderr).toContain('\r\x1b[2K[################------------------------]  40%');
    expect(outcome.stderr).toContain('[########################################] 100%');
    expect(outcome.stderr).toContain('\r\x1b[2Kcompleted\n');
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /v1/tasks',
      `GET /v1/tasks/${encodeURIComponent(TASK_ID)}/events`,
    ]);
  });

  it('with --wait --json, prints the finished task as JSON, and exits 1 when it failed', async () => {
    const failed = { id: TASK_ID, status: 'failed', error: { message: 'boom' } };
    handler = (req) =>
      req.method === 'POST'
        ? { status: 202, json: { id: TASK_ID, status: 'queued' } }
        : { status: 200, events: [{ event: 'failed', data: failed }] };
    const outcome = await tta(['enqueue', 'narrative.generate', '--wait', '--json']);
    expect(outcome).toEqual({ code: 1, stdout: `${JSON.stringify(failed)}\n`, stderr: '' });
  });
});

describe('tta watch', () => {
  it('prints a line per event off a terminal, and exits 1 with the reason when the task fails', async () => {
    handler = () => ({
      status: 200,
      events: [
        {
          event: 'snapshot',
          data: { id: TASK_ID, capability: 'narrative.generate', status: 'active' },
        },
        { event: 'progress', data: { id: TASK_ID, progress: 50 } },
        { event: 'progress', data: { id: TASK_ID, progress: 'thinking' } },
        {
          event: 'failed',
          data: { id: TASK_ID, status: 'failed', error: { message: 'model\ntimed out' } },
        },
      ],
    });
    const outcome = await tta(['watch', TASK_ID]);
    expect(outcome).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `task narrative.generate ${TASK_ID}: active\nprogress 50%\nprogress "thinking"\nfailed\n` +
        `tta: task ${TASK_ID} failed: model timed out\n`,
    });
  });

  it('ends at once on a snapshot of a task that already finished', async () => {
    handler = () => ({ status: 200, events: [{ event: 'snapshot', data: completedTask }] });
    expect(await tta(['watch', TASK_ID, '--json'])).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ event: 'snapshot', data: completedTask, id: '1' })}\n`,
      stderr: '',
    });
  });

  it('shows the stages and steps of a run and prints its narrative', async () => {
    const run = {
      id: RUN_ID,
      workflow: 'player-turn',
      status: 'completed',
      result: { narrative: 'You walk north.' },
    };
    handler = () => ({
      status: 200,
      events: [
        {
          event: 'snapshot',
          data: {
            id: RUN_ID,
            workflow: 'player-turn',
            status: 'running',
            stage: 'understand',
            steps: { safety: { status: 'completed', capability: 'safety.screen', taskId: 't-0' } },
          },
        },
        { event: 'stage', data: { type: 'stage', stage: 'understand', index: 0 } },
        { event: 'step', data: { type: 'step', step: 'parse', status: 'running', taskId: 't-1' } },
        { event: 'step', data: { type: 'step', step: 'parse', status: 'completed' } },
        { event: 'completed', data: run },
      ],
    });
    const outcome = await tta(['watch', RUN_ID]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('You walk north.\n');
    expect(outcome.stderr).toBe(
      `run player-turn ${RUN_ID}: running (stage understand)\n  step safety: completed (t-0)\n` +
        'stage 1: understand\n' +
        '  step parse: running (t-1)\n  step parse: completed\ncompleted\n',
    );
    expect(api.requests[0]?.url).toBe(`/v1/workflow-runs/${encodeURIComponent(RUN_ID)}/events`);
  });

  it('exits 4 when the stream ends before the task does', async () => {
    handler = (req) =>
      req.url.endsWith('/events')
        ? { status: 200, events: [{ event: 'snapshot', data: { id: TASK_ID, status: 'active' } }] }
        : { status: 200, json: { id: TASK_ID, status: 'active' } };
    const outcome = await tta(['watch', TASK_ID]);
    expect(outcome.code).toBe(4);
    expect(outcome.stderr).toContain(
      `tta: the event stream of '${TASK_ID}' ended while it is still active\n`,
    );
  });
});

describe('tta status, agents, dead-letter, workflow', () => {
  it('status shows a task, and exits 1 for a failed one', async () => {
    handler = () => ({
      status: 200,
      json: {
        ...completedTask,
        status: 'failed',
        capability: 'narrative.generate',
        queue: 'cap.narrative.generate',
        attempts: 3,
        error: { message: 'boom' },
        timings: { enqueuedAt: 0, waitMs: 12 },
      },
    });
    const outcome = await tta(['status', TASK_ID]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(`id          ${TASK_ID}\nstatus      failed\n`);
    expect(outcome.stdout).toContain('attempts    3\n');
    expect(outcome.stdout).toContain('enqueued    1970-01-01T00:00:00.000Z\nwaited      12 ms\n');
    expect(outcome.stdout).toContain(`error       boom\nresult:\n${passage}\n`);
  });

  it('agents filters and prints a table', async () => {
    const agent = {
      id: 'narrative-generator-1',
      type: 'narrative-generator',
      status: 'ready',
      activeJobs: 1,
      concurrency: 4,
      capabilities: ['narrative.generate'],
      labels: { tier: 'fast' },
      host: 'box',
      pid: 42,
      heartbeatAgeMs: 300,
    };
    handler = () => ({ status: 200, json: { agents: [agent] } });
    const outcome = await tta([
      'agents',
      '--type',
      'narrative-generator',
      '--capability',
      'narrative.generate',
    ]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.split('\n')[0]).toMatch(
      /^ID\s+TYPE\s+STATUS\s+ACTIVE\s+CAPABILITIES\s+LABELS\s+HOST:PID\s+HEARTBEAT$/,
    );
    expect(outcome.stdout).toMatch(
      /narrative-generator-1\s+narrative-generator\s+ready\s+1\/4\s+narrative\.generate\s+tier=fast\s+box:42\s+0\.3s\n/,
    );
    expect(api.requests[0]?.url).toBe(
      '/v1/agents?type=narrative-generator&capability=narrative.generate',
    );
  });

  it('dead-letter lists, retries and deletes', async () => {
    const entry = {
      id: TASK_ID,
      capability: 'narrative.generate',
      attempts: 3,
      failedAt: 0,
      error: { message: 'boom' },
    };
    handler = (req) => {
      if (req.method === 'GET') return { status: 200, json: { entries: [entry], total: 7 } };
      if (req.method === 'POST')
        return { status: 202, json: { id: TASK_ID, queue: 'cap.narrative.generate' } };
      return { status: 204 };
    };
    const list = await tta(['dead-letter', 'list', '--limit', '1']);
    expect(list.stdout).toMatch(/^ID\s+CAPABILITY\s+ATTEMPTS\s+FAILED AT\s+ERROR\n/);
    expect(list.stdout).toContain('1970-01-01T00:00:00.000Z  boom\n');
    expect(list.stderr).toBe('1 of 7 shown (see --start and --limit)\n');
    expect(await tta(['dead-letter', 'retry', TASK_ID])).toEqual({
      code: 0,
      stdout: `${TASK_ID} is queued again in cap.narrative.generate\n`,
      stderr: '',
    });
    expect((await tta(['dead-letter', 'delete', TASK_ID])).stdout).toBe(`${TASK_ID} deleted\n`);
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/dead-letter?limit=1',
      `POST /v1/dead-letter/${encodeURIComponent(TASK_ID)}/retry`,
      `DELETE /v1/dead-letter/${encodeURIComponent(TASK_ID)}`,
    ]);
  });

  it('admin lists the admin sessions and ends one', async () => {
    const SESSION_ID = 'Q2xpZW50VGVzdFNlc3Npb24';
    const session = {
      id: SESSION_ID,
      keyId: 'ops',
      createdAt: Date.now() - 120_000,
      expiresAt: Date.UTC(2030, 0, 1),
      address: '203.0.113.9',
      userAgent: 'Firefox',
      own: true,
      current: false,
    };
    handler = (req) =>
      req.method === 'GET' ? { status: 200, json: { sessions: [session] } } : { status: 204 };
    const list = await tta(['admin', 'sessions']);
    expect(list.stdout).toMatch(/^ID\s+KEY\s+LOGGED IN\s+EXPIRES\s+ADDRESS\s+USER AGENT\n/);
    expect(list.stdout).toMatch(
      new RegExp(
        `${SESSION_ID} \\*\\s+ops\\s+2m ago\\s+2030-01-01T00:00:00.000Z\\s+203.0.113.9\\s+Firefox\n`,
      ),
    );
    expect(await tta(['admin', 'end-session', SESSION_ID])).toEqual({
      code: 0,
      stdout: `session ${SESSION_ID} ended\n`,
      stderr: '',
    });
    expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v1/admin/sessions',
      `DELETE /v1/admin/sessions/${SESSION_ID}`,
    ]);
  });

  it('workflow run starts a run with the text and session, and --watch follows it', async () => {
    const run = {
      id: RUN_ID,
      status: 'completed',
      result: { narrative: 'Help is near.', resources: [{ name: 'Line', contact: '988' }] },
    };
    handler = (req) =>
      req.method === 'POST'
        ? { status: 202, json: { id: RUN_ID, status: 'queued', workflow: 'player-turn' } }
        : { status: 200, events: [{ event: 'completed', data: run }] };
    const started = await tta([
      'workflow',
      'run',
      'player-turn',
      '--session',
      's1',
      '--text',
      'go north',
    ]);
    expect(started).toEqual({ code: 0, stdout: `${RUN_ID}\n`, stderr: '' });
    expect(api.requests[0]).toMatchObject({
      url: '/v1/workflows/player-turn/runs',
      body: { sessionId: 's1', input: { text: 'go north' } },
    });
    const watched = await tta(['workflow', 'run', 'player-turn', '--text', 'help', '--watch']);
    expect(watched).toMatchObject({ code: 0, stdout: 'Help is near.\n- Line: 988\n' });
  });
});

describe('tta errors', () => {
  it('exits 3 with one line when the API refuses the key', async () => {
    handler = () => ({
      status: 401,
      json: { error: { code: 'unauthenticated', message: 'unknown API key' } },
    });
    const outcome = await tta(['agents', '--key', 'wrong']);
    expect(outcome).toEqual({
      code: 3,
      stdout: '',
      stderr: 'tta: 401 unauthenticated: unknown API key\n',
    });
    expect(api.requests[0]?.headers.authorization).toBe('Bearer wrong');
  });

  it('exits 4 with one line when nothing listens at the URL', async () => {
    const gone = await startLocalApi(() => ({ status: 200 }));
    await gone.close();
    const outcome = await tta(['status', TASK_ID, '--url', gone.url]);
    expect(outcome).toEqual({
      code: 4,
      stdout: '',
      stderr: `tta: cannot reach the API at ${gone.url} (ECONNREFUSED)\n`,
    });
  });
});
