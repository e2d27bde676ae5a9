import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ overrides: { api: { bodyLimitBytes: 8192, maxBatchSize: 3 } } });
});

afterAll(async () => {
  await h.close();
});

const parse = (text: string) => ({ capability: 'input.parse', input: { text } });

interface BadCase {
  what: string;
  path: '/v1/tasks' | '/v1/tasks/batch';
  /** A JSON body, or raw text sent with the given content type. */
  body: unknown;
  contentType?: string;
  status: number;
  code: string;
  /** The field the answer must name (details.issues[0].path and the message). */
  field?: string;
}

const cases: BadCase[] = [
  {
    what: 'a missing capability',
    path: '/v1/tasks',
    body: { input: { text: 'hi' } },
    status: 400,
    code: 'invalid_input',
    field: 'capability',
  },
  {
    what: 'an input that is not an object',
    path: '/v1/tasks',
    body: { capability: 'input.parse', input: 'hi' },
    status: 400,
    code: 'invalid_input',
    field: 'input',
  },
  {
    what: 'an empty input.text',
    path: '/v1/tasks',
    body: parse('   '),
    status: 400,
    code: 'invalid_input',
    field: 'input.text',
  },
  {
    what: 'an unknown field of the input',
    path: '/v1/tasks',
    body: { capability: 'input.parse', input: { text: 'hi', mood: 'sad' } },
    status: 400,
    code: 'invalid_input',
    field: 'input',
  },
  {
    what: 'a priority below the range',
    path: '/v1/tasks',
    body: { ...parse('hi'), priority: 0 },
    status: 400,
    code: 'invalid_input',
    field: 'priority',
  },
  {
    what: 'a priority above the range',
    path: '/v1/tasks',
    body: { ...parse('hi'), priority: 1001 },
    status: 400,
    code: 'invalid_input',
    field: 'priority',
  },
  {
    what: 'a timeout above the configured maximum',
    path: '/v1/tasks',
    body: { ...parse('hi'), timeoutMs: 600_001 },
    status: 400,
    code: 'invalid_input',
    field: 'timeoutMs',
  },
  {
    what: 'world.update without a sessionId',
    path: '/v1/tasks',
    body: { capability: 'world.update', input: { text: 'go north' } },
    status: 400,
    code: 'invalid_input',
    field: 'sessionId',
  },
  {
    what: 'no body at all',
    path: '/v1/tasks',
    body: undefined,
    status: 400,
    code: 'invalid_input',
  },
  {
    what: 'a batch with one bad task',
    path: '/v1/tasks/batch',
    body: { tasks: [parse('north'), parse(''), parse('south')] },
    status: 400,
    code: 'invalid_input',
    field: 'tasks.1.input.text',
  },
  {
    what: 'an empty batch',
    path: '/v1/tasks/batch',
    body: { tasks: [] },
    status: 400,
    code: 'invalid_input',
    field: 'tasks',
  },
  {
    what: 'a batch over the configured size',
    path: '/v1/tasks/batch',
    body: { tasks: [parse('a'), parse('b'), parse('c'), parse('d')] },
    status: 400,
    code: 'invalid_input',
    field: 'tasks',
  },
  {
    what: 'an unknown capability',
    path: '/v1/tasks',
    body: { capability: 'dream.interpret', input: {} },
    status: 422,
    code: 'unknown_capability',
  },
  {
    what: 'a batch with an unknown capability',
    path: '/v1/tasks/batch',
    body: { tasks: [parse('north'), { capability: 'dream.interpret', input: {} }] },
    status: 422,
    code: 'unknown_capability',
  },
  {
    what: 'malformed JSON',
    path: '/v1/tasks',
    body: '{"capability": "input.parse", "input": {',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  {
    what: 'a JSON body that is not an object or array',
    path: '/v1/tasks',
    body: '"input.parse"',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  {
    what: 'a body over the configured limit',
    path: '/v1/tasks',
    body: parse('x'.repeat(10_000)),
    status: 413,
    code: 'payload_too_large',
  },
  {
    what: 'a body that is not JSON',
    path: '/v1/tasks',
    body: 'capability=input.parse',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'unsupported_media_type',
  },
];

describe.each(cases)('$what', (c) => {
  const naming = c.field === undefined ? '' : ` naming ${c.field}`;
  it(`answers ${c.status} ${c.code}${naming} and enqueues nothing`, async () => {
    const before = await h.jobTotal();
    let req = request(h.app).post(c.path);
    if (c.contentType) req = req.set('Content-Type', c.contentType);
    const res = await (c.body === undefined ? req : req.send(c.body as object));
    expect(res.status).toBe(c.status);
    expect(res.type).toBe('application/json');
    expect(res.body.error).toMatchObject({ code: c.code, message: expect.any(String) });
    if (c.field !== undefined) {
      expect(res.body.error.details.issues[0].path).toBe(c.field);
      expect(res.body.error.message).toMatch(
        new RegExp(`^invalid ${c.field.replace(/\./g, '\\.')}: `),
      );
    }
    expect(await h.jobTotal()).toBe(before);
  });
});

it('names the unknown field of a task', async () => {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ ...parse('hi'), colour: 'red' })
    .expect(400);
  expect(res.body.error.message).toContain('colour');
});

it('names the limit of a body that is too large', async () => {
  const res = await request(h.app)
    .post('/v1/tasks')
    .send(parse('x'.repeat(10_000)))
    .expect(413);
  expect(res.body.error.details).toEqual({ limitBytes: 8192 });
});

it('refuses input nested more than 64 levels deep, naming input', async () => {
  const input = JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) as object;
  const before = await h.jobTotal();
  const res = await request(h.app)
    .post('/v1/tasks')
    .send({ capability: 'input.parse', input })
    .expect(400);
  expect(res.body.error).toMatchObject({
    code: 'invalid_input',
    message: 'invalid input: must not nest objects and arrays more than 64 levels deep',
  });
  expect(await h.jobTotal()).toBe(before);
});

it('answers 400 invalid_body for a body its Content-Encoding does not decompress', async () => {
  const res = await request(h.app)
    .post('/v1/tasks')
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'gzip')
    .send(JSON.stringify(parse('hi')))
    .expect(400);
  expect(res.body.error).toMatchObject({ code: 'invalid_body' });
});

it('answers 400 invalid_input for a path parameter that does not percent-decode', async () => {
  const res = await request(h.app).get('/v1/tasks/%E0%A4%A').expect(400);
  expect(res.body.error).toMatchObject({ code: 'invalid_input' });
});

it('answers 404 JSON for an unknown route', async () => {
  const res = await request(h.app).get('/v1/nowhere').expect(404);
  expect(res.body.error).toMatchObject({ code: 'not_found' });
  expect(res.body.error.message).toContain('GET /v1/nowhere');
});
