import { ApiError, TtaClient, type TaskEvent } from '../../src';
import { startLocalApi, type LocalApi, type LocalAnswer } from '../support/local-api';

let api: LocalApi;
let answer: LocalAnswer;

beforeAll(async () => {
  api = await startLocalApi(() => answer);
});

afterAll(() => api.close());

beforeEach(() => {
  api.requests.length = 0;
  answer = { status: 200, json: {} };
});

const client = (): TtaClient => new TtaClient({ baseUrl: `${api.url}/`, timeoutMs: 5000 });

type Call = (c: TtaClient) => Promise<unknown>;

// [name, call, the request it must send, what the API answers, what the call resolves with]
const calls: Array<[string, Call, [string, string, unknown?], unknown, unknown]> = [
  ['policy', (c) => c.policy(), ['GET', '/v1/policy'], { version: 'v1' }, { version: 'v1' }],
  [
    'policyStatus',
    (c) => c.policyStatus(),
    ['GET', '/v1/policy/status'],
    { version: 'v1' },
    { version: 'v1' },
  ],
  [
    'validatePolicy',
    (c) => c.validatePolicy({ files: { 'world-builder.yaml': 'tools: {}' } }),
    ['POST', '/v1/policy/validate', { files: { 'world-builder.yaml': 'tools: {}' } }],
    { valid: true, errors: [] },
    { valid: true, errors: [] },
  ],
  [
    'reloadPolicy',
    (c) => c.reloadPolicy(),
    ['POST', '/v1/policy/reload'],
    { applied: true },
    { applied: true },
  ],
  [
    'costs',
    (c) => c.costs({ from: 0, sessionId: 's 1' }),
    ['GET', '/v1/costs?from=0&sessionId=s+1'],
    { total: { costUsd: 0 } },
    { total: { costUsd: 0 } },
  ],
  ['health', (c) => c.health(), ['GET', '/healthz'], { status: 'ok' }, { status: 'ok' }],
  [
    'call',
    (c) => c.call('GET', '/v1/capabilities/:name', { params: { name: 'a b/c' } }),
    ['GET', '/v1/capabilities/a%20b%2Fc'],
    { name: 'a b/c' },
    { name: 'a b/c' },
  ],
  [
    'call with query and body',
    (c) => c.call('POST', '/v1/agents/:id/drain', { params: { id: 'w-1' }, body: { reason: 'r' } }),
    ['POST', '/v1/agents/w-1/drain', { reason: 'r' }],
    { status: 'drain_requested' },
    { status: 'drain_requested' },
  ],
  ['ready', (c) => c.ready(), ['GET', '/readyz'], { status: 'ok' }, { status: 'ok' }],
  [
    'openApi',
    (c) => c.openApi(),
    ['GET', '/openapi.json'],
    { openapi: '3.1.0' },
    { openapi: '3.1.0' },
  ],
  [
    'diagnostics',
    (c) => c.diagnostics(),
    ['GET', '/v1/diagnostics'],
    { queues: {} },
    { queues: {} },
  ],
  [
    'enqueue',
    (c) => c.enqueue({ capability: 'narrative.generate', input: { text: 'look' }, priority: 5 }),
    [
      'POST',
      '/v1/tasks',
      { capability: 'narrative.generate', input: { text: 'look' }, priority: 5 },
    ],
    { id: 't1', status: 'queued' },
    { id: 't1', status: 'queued' },
  ],
  [
    'enqueueBatch',
    (c) => c.enqueueBatch([{ capability: 'world.read', input: {} }]),
    ['POST', '/v1/tasks/batch', { tasks: [{ capability: 'world.read', input: {} }] }],
    { tasks: [{ id: 't2' }] },
    [{ id: 't2' }],
  ],
  [
    'task',
    (c) => c.task('cap.x~1'),
    ['GET', '/v1/tasks/cap.x~1'],
    { id: 'cap.x~1' },
    { id: 'cap.x~1' },
  ],
  [
    'cancel',
    (c) => c.cancel('a b', 'left game'),
    ['DELETE', '/v1/tasks/a%20b?reason=left%20game'],
    { id: 'a b', status: 'cancelled' },
    { id: 'a b', status: 'cancelled' },
  ],
  [
    'agents',
    (c) => c.agents({ type: 'world-builder', status: 'ready' }),
    ['GET', '/v1/agents?type=world-builder&status=ready'],
    { agents: [{ id: 'a1' }] },
    [{ id: 'a1' }],
  ],
  ['agent', (c) => c.agent('a1'), ['GET', '/v1/agents/a1'], { id: 'a1' }, { id: 'a1' }],
  [
    'drainAgent',
    (c) => c.drainAgent('a1', 'deploy'),
    ['POST', '/v1/agents/a1/drain', { reason: 'deploy' }],
    { id: 'a1', status: 'drain_requested' },
    { id: 'a1', status: 'drain_requested' },
  ],
  [
    'capabilities',
    (c) => c.capabilities(),
    ['GET', '/v1/capabilities'],
    { capabilities: [{ name: 'world.read' }] },
    [{ name: 'world.read' }],
  ],
  [
    'routingPreview',
    (c) => c.routingPreview('narrative.generate', { tier: 'fast', locale: 'en' }),
    [
      'GET',
      '/v1/routing/preview?capability=narrative.generate&requirements=tier%3Afast%2Clocale%3Aen',
    ],
    { chosen: { queue: 'q' } },
    { chosen: { queue: 'q' } },
  ],
  [
    'deadLetters',
    (c) => c.deadLetters({ start: 10, limit: 5, capability: 'world.update' }),
    ['GET', '/v1/dead-letter?start=10&limit=5&capability=world.update'],
    { entries: [], total: 0 },
    { entries: [], total: 0 },
  ],
  [
    'retryDeadLetter',
    (c) => c.retryDeadLetter('d1'),
    ['POST', '/v1/dead-letter/d1/retry'],
    { id: 'd1', status: 'queued' },
    { id: 'd1', status: 'queued' },
  ],
  [
    'workflows',
    (c) => c.workflows(),
    ['GET', '/v1/workflows'],
    { workflows: [{ name: 'player-turn' }] },
    [{ name: 'player-turn' }],
  ],
  [
    'startRun',
    (c) => c.startRun('player-turn', { sessionId: 's1', input: { text: 'go north' } }),
    ['POST', '/v1/workflows/player-turn/runs', { sessionId: 's1', input: { text: 'go north' } }],
    { id: 'workflow~1' },
    { id: 'workflow~1' },
  ],
  [
    'run',
    (c) => c.run('workflow~1'),
    ['GET', '/v1/workflow-runs/workflow~1'],
    { id: 'r' },
    { id: 'r' },
  ],
  [
    'cancelRun',
    (c) => c.cancelRun('workflow~1', 'bye'),
    ['DELETE', '/v1/workflow-runs/workflow~1?reason=bye'],
    { status: 'cancelled' },
    { status: 'cancelled' },
  ],
  [
    'safetyEvents',
    (c) => c.safetyEvents({ status: 'open', level: 'crisis', sessionId: 's 1', limit: 5 }),
    ['GET', '/v1/safety/events?status=open&level=crisis&sessionId=s+1&limit=5'],
    { events: [{ id: 'sev_1' }], nextCursor: 'c' },
    { events: [{ id: 'sev_1' }], nextCursor: 'c' },
  ],
  [
    'safetyEvent',
    (c) => c.safetyEvent('sev_1'),
    ['GET', '/v1/safety/events/sev_1'],
    { id: 'sev_1' },
    { id: 'sev_1' },
  ],
  [
    'acknowledgeSafetyEvent',
    (c) => c.acknowledgeSafetyEvent('sev_1', { reviewer: 'dr-ana', note: 'called' }),
    ['POST', '/v1/safety/events/sev_1/ack', { reviewer: 'dr-ana', note: 'called' }],
    { id: 'sev_1', status: 'acknowledged' },
    { id: 'sev_1', status: 'acknowledged' },
  ],
  [
    'resolveSafetyEvent',
    (c) => c.resolveSafetyEvent('sev_1', { reviewer: 'dr-ben' }),
    ['POST', '/v1/safety/events/sev_1/resolve', { reviewer: 'dr-ben' }],
    { id: 'sev_1', status: 'resolved' },
    { id: 'sev_1', status: 'resolved' },
  ],
];

describe('TtaClient', () => {
  it.each(calls)(
    '%s sends its request and resolves with the answer',
    async (_name, call, sent, body, result) => {
      answer = { status: 200, json: body };
      await expect(call(client())).resolves.toEqual(result);
      const [method, url, json] = sent;
      expect(api.requests).toEqual([expect.objectContaining({ method, url, body: json })]);
      expect(api.requests[0]?.headers['content-type']).toBe(
        json === undefined ? undefined : 'application/json',
      );
    },
  );

  it('deleteDeadLetter resolves once the API answers 204', async () => {
    answer = { status: 204 };
    await expect(client().deleteDeadLetter('d1')).resolves.toBeUndefined();
    expect(api.requests[0]).toMatchObject({ method: 'DELETE', url: '/v1/dead-letter/d1' });
  });

  it('sends the API key as a bearer token on requests and event streams, and none without one', async () => {
    const keyed = new TtaClient({ baseUrl: api.url, apiKey: 'tta-secret' });
    await keyed.health();
    answer = { status: 200, events: [] };
    for await (const _event of keyed.events('/v1/tasks/t1/events')) break;
    answer = { status: 200, json: { status: 'ok' } };
    await client().health();
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer tta-secret',
      'Bearer tta-secret',
      undefined,
    ]);
  });

  it('throws ApiError with the status, code, message and details of an error answer', async () => {
    const details = { issues: [{ path: 'input.text', message: 'must not be empty' }] };
    answer = {
      status: 400,
      json: { error: { code: 'invalid_input', message: 'invalid input.text', details } },
    };
    const error = await client()
      .enqueue({ capability: 'x', input: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_input',
      message: 'invalid input.text',
      details,
    });
  });

  it('makes an ApiError of an error answer that is not JSON', async () => {
    answer = { status: 502, text: '<html>bad gateway</html>' };
    await expect(client().task('t1')).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: 'Bad Gateway',
    });
  });

  it('yields the typed events of a task until the stream ends', async () => {
    const task = { id: 't1', status: 'completed', result: { passage: 'You look.' } };
    answer = {
      status: 200,
      events: [
        { event: 'snapshot', data: { id: 't1', status: 'queued' } },
        { event: 'progress', data: { id: 't1', progress: 50 } },
        { event: 'completed', data: task },
      ],
    };
    const seen: TaskEvent[] = [];
    for await (const event of client().taskEvents('t1')) seen.push(event);
    expect(seen.map((e) => [e.event, e.id])).toEqual([
      ['snapshot', '1'],
      ['progress', '2'],
      ['completed', '3'],
    ]);
    expect(seen[2]?.data).toEqual(task);
    expect(api.requests[0]).toMatchObject({ url: '/v1/tasks/t1/events' });
    expect(api.requests[0]?.headers.accept).toBe('text/event-stream');
  });

  it('throws ApiError when the API answers an event stream with an error', async () => {
    answer = { status: 404, json: { error: { code: 'not_found', message: "run 'r' not found" } } };
    const stream = client().runEvents('r');
    await expect(stream.next()).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});
