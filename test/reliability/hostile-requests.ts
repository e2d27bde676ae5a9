import { MAX_INPUT_DEPTH } from '@tta/contracts';
import type { SeededRandom } from '@tta/test-utils';

/** One hostile HTTP request, written on the wire as it is. */
export interface HostileRequest {
  /** Which generator made it (for the report). */
  kind: string;
  /** The exact bytes sent. */
  bytes: Buffer;
}

/** What every request of the fuzz carries unless it is about that header. */
const AUTH = 'Authorization: Bearer tta-dev-key';
/** A string no answer may echo back as a key or value it trusted (prototype pollution). */
export const POLLUTION_MARKER = 'polluted-8b1f';

const VALID_TASK = { capability: 'narrative.generate', input: { text: 'I look around' } };
const PATHS_WITH_ID = [
  '/v1/tasks/%s',
  '/v1/tasks/%s/events',
  '/v1/workflow-runs/%s',
  '/v1/workflow-runs/%s/events',
  '/v1/dead-letter/%s',
  '/v1/dead-letter/%s/retry',
  '/v1/agents/%s',
  '/v1/agents/%s/drain',
];
const GET_PATHS = [
  '/v1/agents',
  '/v1/capabilities',
  '/v1/dead-letter',
  '/v1/costs',
  '/v1/policy',
  '/v1/policy/status',
  '/v1/scaling',
  '/v1/workflows',
  '/v1/routing/preview',
  '/openapi.json',
  '/healthz',
  '/admin/queues',
  '/admin/agents',
];

/** Builds the bytes of a request: a request line, headers, `Connection: close`, a body. */
export function rawRequest(
  method: string,
  path: string,
  headers: string[],
  body?: Buffer | string,
  options: { contentLength?: boolean } = {},
): Buffer {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, 'Connection: close'];
  if (body !== undefined && options.contentLength !== false) {
    lines.push(`Content-Length: ${payload.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

function json(method: string, path: string, body: string | Buffer, extra: string[] = []): Buffer {
  return rawRequest(method, path, [AUTH, 'Content-Type: application/json', ...extra], body);
}

function randomText(r: SeededRandom, length: number): string {
  const alphabets = [
    'abcdefghijklmnopqrstuvwxyz0123456789',
    '{}[]":,\\/.\'`$%^&*()<>|~\u0000\n\r\t ',
    '\u00e9\u4e2d\u6587\u{1f600}\u202e\u200b\ufeff\ud800\udfff',
  ];
  let out = '';
  while (out.length < length) {
    const alphabet = [...r.pick(alphabets)];
    out += r.pick(alphabet);
  }
  return out;
}

function nested(depth: number, leaf: string): string {
  return `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** A task body with one field made wrong (type, range, format or an unknown key). */
function wrongTask(r: SeededRandom): Record<string, unknown> {
  const mutations: Array<() => Record<string, unknown>> = [
    () => ({ ...VALID_TASK, capability: r.pick([42, null, [], {}, '', true]) }),
    () => ({ ...VALID_TASK, input: r.pick(['text', 42, null, [1, 2], true]) }),
    () => ({ capability: VALID_TASK.capability }),
    () => ({ input: VALID_TASK.input }),
    () => ({ ...VALID_TASK, priority: r.pick([0, 1001, -1, 1.5, '1', null]) }),
    () => ({ ...VALID_TASK, delayMs: r.pick([-1, 1e15, '10', 0.5, [], null]) }),
    () => ({ ...VALID_TASK, timeoutMs: r.pick([0, -5, 1e12, '100', {}, 2.5]) }),
    () => ({
      ...VALID_TASK,
      sessionId: r.pick(['', 'a b', 'x'.repeat(200), '../..', 7, '\u0000']),
    }),
    () => ({ ...VALID_TASK, idempotencyKey: r.pick(['', 'k'.repeat(300), 12, {}, null]) }),
    () => ({
      ...VALID_TASK,
      requirements: r.pick([
        { a: '1', b: '2', c: '3', d: '4' },
        { 'bad key': 'x' },
        { tier: { nested: true } },
        'fast',
        [],
      ]),
    }),
    () => ({ ...VALID_TASK, budgetUsd: r.pick([0, -1, 1e7, '5', null]) }),
    () => ({ ...VALID_TASK, [r.pick(['extra', 'id', 'status', '$where', 'queue'])]: 1 }),
    () => ({ ...VALID_TASK, input: { text: r.pick(['', '   ', 'x'.repeat(4001), 42, null]) } }),
    () => ({ ...VALID_TASK, input: {} }),
    () => ({
      ...VALID_TASK,
      capability: r.pick([
        'no.such.capability',
        '../../etc/passwd',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'Narrative.Generate',
        'narrative.generate ',
        'x'.repeat(129),
        randomText(r, 20),
      ]),
    }),
  ];
  return r.pick(mutations)();
}

type Generator = (r: SeededRandom) => Buffer;

/** The generators of hostile requests, by kind. */
export const GENERATORS: Record<string, Generator> = {
  'malformed-json': (r) =>
    json(
      'POST',
      r.pick(['/v1/tasks', '/v1/tasks/batch', '/v1/workflows/player-turn/runs']),
      r.pick([
        '{',
        '{"capability":',
        '{"capability":"narrative.generate","input":{"text":"hi"}',
        "{'capability':'narrative.generate'}",
        '{"a":1,}',
        '{"capability":"narrative.generate","input":{"text":"hi"},"priority":1e309}',
        '[1,2',
        'NaN',
        'undefined',
        '{"capability":"narrative.generate" "input":{}}',
        '\ufeff{"capability":"narrative.generate"}',
        '{"capability":"narrative.generate","input":{"text":"\\ud800"}} trailing',
        '/* comment */ {}',
        randomText(r, r.int(1, 200)),
      ]),
    ),
  'wrong-fields': (r) => json('POST', '/v1/tasks', JSON.stringify(wrongTask(r))),
  'json-not-object': (r) =>
    json(
      'POST',
      r.pick(['/v1/tasks', '/v1/tasks/batch', '/v1/workflows/player-turn/runs']),
      r.pick(['null', '[]', '"text"', '42', 'true', '[{"capability":"narrative.generate"}]']),
    ),
  'batch-with-one-bad': (r) => {
    const tasks: unknown[] = Array.from({ length: r.int(1, 40) }, () => VALID_TASK);
    tasks.splice(r.int(0, tasks.length), 0, wrongTask(r));
    return json('POST', '/v1/tasks/batch', JSON.stringify({ tasks }));
  },
  'batch-shape': (r) =>
    json(
      'POST',
      '/v1/tasks/batch',
      JSON.stringify(
        r.pick([
          { tasks: [] },
          { tasks: 'all' },
          { tasks: {} },
          { tasks: [VALID_TASK], extra: true },
          { task: [VALID_TASK] },
          { tasks: Array.from({ length: 501 }, () => VALID_TASK) },
          { tasks: [{ tasks: [VALID_TASK] }] },
        ]),
      ),
    ),
  'workflow-input': (r) =>
    json(
      'POST',
      `/v1/workflows/${r.pick(['player-turn', 'no-such-workflow', '__proto__', '..%2f..', 'constructor'])}/runs`,
      JSON.stringify(
        r.pick([
          { input: { text: 'hi' } },
          { sessionId: 's1' },
          { sessionId: 's1', input: { text: 42 } },
          { sessionId: 'bad id', input: { text: 'hi' } },
          { sessionId: 's1', input: { text: 'hi' }, extra: 1 },
          { sessionId: 's1', input: 'hi' },
        ]),
      ),
    ),
  'prototype-pollution': (r) =>
    json(
      'POST',
      r.pick([
        '/v1/tasks',
        '/v1/tasks/batch',
        '/v1/workflows/player-turn/runs',
        '/v1/policy/validate',
      ]),
      r.pick([
        `{"__proto__":{"${POLLUTION_MARKER}":true},"capability":"narrative.generate","input":{"text":"hi"}}`,
        `{"constructor":{"prototype":{"${POLLUTION_MARKER}":true}},"capability":"narrative.generate","input":{"text":"hi"}}`,
        `{"capability":"narrative.generate","input":{"__proto__":{"${POLLUTION_MARKER}":true}}}`,
        `{"tasks":[{"__proto__":{"capability":"narrative.generate"},"input":{"text":"hi"}}]}`,
        // zod drops a `__proto__` key of a record (by design): this one is refused for its other key.
        `{"capability":"narrative.generate","input":{"text":"hi"},"requirements":{"__proto__":"${POLLUTION_MARKER}","tier":"a/b"}}`,
        `{"sessionId":"s1","input":{"text":"hi","__proto__":{"${POLLUTION_MARKER}":1}},"constructor":1}`,
      ]),
    ),
  'deep-nesting': (r) =>
    json(
      'POST',
      r.pick(['/v1/tasks', '/v1/tasks/batch', '/v1/workflows/player-turn/runs']),
      r.pick([
        `{"capability":"narrative.generate","input":${nested(r.int(1000, 100_000), '1')}}`,
        `{"capability":"no.such","input":${nested(r.int(1000, 100_000), '1')}}`,
        // A capability without an input schema takes any object, but not one this deep.
        `{"capability":"test.chaos","input":${nested(r.int(MAX_INPUT_DEPTH, 100_000), '[]')}}`,
        `{"tasks":[{"capability":"test.chaos","input":${nested(r.int(MAX_INPUT_DEPTH, 5000), '1')}}]}`,
        `{"sessionId":"s1","input":{"text":"hi","deep":${nested(r.int(MAX_INPUT_DEPTH, 5000), '1')}}}`,
        `{"capability":"narrative.generate","input":{"text":"hi"},"requirements":${nested(5000, '"x"')}}`,
        `${'['.repeat(r.int(1000, 100_000))}${']'.repeat(10)}`,
      ]),
    ),
  oversized: (r) => {
    const size = r.pick([1_048_577, 2_000_000, 5_000_000]);
    const body = `{"capability":"narrative.generate","input":{"text":"${'x'.repeat(size)}"}}`;
    return json('POST', r.pick(['/v1/tasks', '/v1/tasks/batch', '/v1/policy/validate']), body);
  },
  'huge-headers': (r) =>
    rawRequest('GET', r.pick(GET_PATHS), [
      AUTH,
      ...r.pick([
        [`X-Junk: ${'a'.repeat(r.int(17_000, 80_000))}`],
        Array.from({ length: r.int(200, 3000) }, (_, i) => `X-H${i}: v`),
        [`Authorization: Bearer ${'k'.repeat(20_000)}`],
        [`Idempotency-Key: ${'i'.repeat(10_000)}`],
      ]),
    ]),
  'content-type': (r) =>
    rawRequest(
      'POST',
      r.pick(['/v1/tasks', '/v1/tasks/batch']),
      [
        AUTH,
        ...r.pick([
          ['Content-Type: text/plain'],
          ['Content-Type: application/x-www-form-urlencoded'],
          ['Content-Type: multipart/form-data; boundary=x'],
          ['Content-Type: application/json; charset=utf-16'],
          ['Content-Type: application/json; charset=latin1'],
          ['Content-Type: application/json', 'Content-Encoding: gzip'],
          ['Content-Type: application/json', 'Content-Encoding: deflate'],
          ['Content-Type: application/json', 'Content-Encoding: br'],
          ['Content-Type: application/json', 'Content-Encoding: zstd'],
          ['Content-Type: application/json', 'Content-Encoding: x-unknown'],
          ['Content-Type: application/json', 'Content-Encoding: gzip, gzip'],
          ['Content-Type: ;;;'],
          [],
        ]),
      ],
      r.pick([JSON.stringify(VALID_TASK), randomText(r, 50), 'capability=narrative.generate']),
    ),
  'methods-and-paths': (r) => {
    const id = r.pick([
      '..%2f..%2fetc%2fpasswd',
      '../../etc/passwd',
      '%',
      '%E0%A4%A',
      '%00',
      '%ff%fe',
      'cap.narrative.generate~',
      'cap.narrative.generate~00000000-0000-0000-0000-000000000000',
      'cap.__proto__~x',
      'cap.constructor~1',
      '__proto__',
      'x'.repeat(r.int(100, 8000)),
      encodeURIComponent(randomText(r, 30)),
      '%F0%9F%98%80',
      '.',
      '..',
      '%2e%2e',
    ]);
    const path = r.pick([
      r.pick(PATHS_WITH_ID).replace('%s', id),
      `${r.pick(GET_PATHS)}?${r.pick(['capability[]=a&capability[]=b', '__proto__[x]=1', 'status=%ff', 'start=-1&end=1e9', 'type=' + 'x'.repeat(5000), 'reason=' + id, 'a=%'])}`,
      `/${id}`,
      `//v1//tasks/${id}`,
      '/v1/tasks/batch/extra',
      '/admin/queues/../../../etc/passwd',
      '/admin/queues/api/queues?activeQueue=%ff',
      '*',
    ]);
    const method = r.pick([
      'GET',
      'DELETE',
      'POST',
      'PUT',
      'PATCH',
      'OPTIONS',
      'HEAD',
      'PROPFIND',
      'TRACE',
      'SEARCH',
    ]);
    return method === 'POST' || method === 'PUT' || method === 'PATCH'
      ? json(method, path, r.pick(['{}', JSON.stringify(wrongTask(r)), '{"reason":1}']))
      : rawRequest(method, path, [AUTH]);
  },
  auth: (r) =>
    rawRequest(
      'POST',
      r.pick(['/v1/tasks', '/v1/tasks/batch', '/v1/policy/reload']),
      [
        'Content-Type: application/json',
        ...r.pick([
          [],
          ['Authorization: Bearer'],
          ['Authorization: Bearer wrong-key'],
          ['Authorization: Basic dXNlcjpwYXNz'],
          ['Authorization: tta-dev-key'],
          ['Authorization: Bearer tta-dev-key extra'],
          ['Authorization: Bearer tta-dev-k\u00e9y'],
          // Node keeps the first of two Authorization headers.
          ['Authorization: Bearer wrong', 'Authorization: Bearer tta-dev-key'],
          ['X-Api-Key: wrong-key'],
          ['Cookie: tta_admin=forged.value; tta_admin=x'],
        ]),
      ],
      JSON.stringify(VALID_TASK),
    ),
  'raw-protocol': (r) =>
    Buffer.from(
      r.pick([
        `${randomText(r, r.int(1, 300))}\r\n\r\n`,
        'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
        'GET /healthz\r\n\r\n',
        'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
        'POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
        'POST /v1/tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n',
        'POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n',
        'POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\nConnection: close\r\n\r\n',
        `GET /v1/agents HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nX-Injected: a\rb\r\nConnection: close\r\n\r\n`,
        '\u0000\u0001\u0002\u0003',
        'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /v1/tasks HTTP/1.1\r\n',
      ]),
      'latin1',
    ),
};

/** A reproducible list of `count` hostile requests drawn from every generator. */
export function hostileRequests(random: SeededRandom, count: number): HostileRequest[] {
  const kinds = Object.keys(GENERATORS);
  return Array.from({ length: count }, (_, i) => {
    // Every kind at least once, then at random.
    const kind = i < kinds.length ? (kinds[i] as string) : random.pick(kinds);
    return { kind, bytes: (GENERATORS[kind] as Generator)(random) };
  });
}
