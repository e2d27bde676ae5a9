import { AgentRegistry } from '@tta/core';
import { createTestRedis } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { buildOpenApiDocument, toOpenApiPath } from '../../src/openapi/openapi-document';
import type { OperationObject } from '../../src/openapi/openapi-types';
import { isUndocumentedRoute, UNDOCUMENTED_ROUTES } from '../../src/openapi/undocumented-routes';
import { schemaProblems } from '../support/schema-problems';
import { startApiHarness, type ApiHarness } from './api-harness';
import { mountedRoutes } from './mounted-routes';

let h: ApiHarness;
let workerRedis: Redis;
const document = buildOpenApiDocument();

beforeAll(async () => {
  h = await startApiHarness({ overrides: { registry: { ttlMs: 60_000 } } });
  workerRedis = createTestRedis('worker');
  const registry = new AgentRegistry(workerRedis, { names: h.services.names, ttlMs: 60_000 });
  await registry.register({
    id: 'narrator-openapi',
    type: 'narrative-generator',
    capabilities: ['narrative.generate'],
    labels: { tier: 'fast' },
    queues: ['cap.narrative.generate'],
    concurrency: 2,
    host: 'test-host',
    pid: 4242,
    version: '0.1.0',
    startedAt: Date.now(),
  });
});

afterAll(async () => {
  await workerRedis.quit();
  await h.close();
});

const key = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;

/** The documented operation whose path template matches `path`. */
function operationFor(method: string, path: string): OperationObject {
  for (const [template, methods] of Object.entries(document.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    const op = methods[method.toLowerCase()];
    if (op && pattern.test(path)) return op;
  }
  throw new Error(`${method} ${path} is not documented`);
}

/** What keeps an answer from matching the schema the document gives for its status. */
function answerProblems(method: string, path: string, status: number, body: unknown): string[] {
  const response = operationFor(method, path).responses[String(status)];
  if (!response) return [`${method} ${path}: status ${status} is not documented`];
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return [`${method} ${path}: ${status} has no JSON schema`];
  return schemaProblems(body, schema, document.components.schemas);
}

describe('the OpenAPI document and the mounted routes', () => {
  it('documents every route the app mounts, and nothing it does not', () => {
    const mounted = mountedRoutes(h.rawApp);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => key(method, path)),
    );
    const served = mounted
      .filter((route) => !isUndocumentedRoute(route.path))
      .map((route) => key(route.method, toOpenApiPath(route.path)));
    expect([...new Set(documented)].sort()).toEqual([...new Set(served)].sort());
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('leaves out only routes that exist: Bull Board and the admin pages', () => {
    const mounted = mountedRoutes(h.rawApp);
    for (const excluded of UNDOCUMENTED_ROUTES) {
      expect(mounted.some((route) => route.path.startsWith(excluded.pathPrefix))).toBe(true);
    }
    expect(isUndocumentedRoute('/v1/tasks')).toBe(false);
  });
});

describe('GET /openapi.json', () => {
  it('serves the document to a key holder', async () => {
    const res = await request(h.app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(document)));
    expect(res.body).toMatchObject({ openapi: '3.1.0', paths: expect.any(Object) });
  });

  it('refuses a caller without a key with the documented error', async () => {
    const res = await request(h.rawApp).get('/openapi.json').expect(401);
    expect(answerProblems('GET', '/openapi.json', 401, res.body)).toEqual([]);
  });
});

/** The fields of answers the checks below read. */
interface Answer {
  id?: string;
  agents?: unknown[];
  registry?: { agents: unknown[] };
}

describe('answers of the API', () => {
  async function check(
    method: 'get' | 'post' | 'delete',
    path: string,
    status: number,
    body?: object,
  ): Promise<Answer> {
    const req = request(h.app)[method](path);
    const res = await (body === undefined ? req : req.send(body));
    expect({ path, status: res.status }).toEqual({ path, status });
    expect(answerProblems(method, path.split('?')[0] ?? path, status, res.body)).toEqual([]);
    return res.body as Answer;
  }

  it('match the documented schemas: tasks and errors', async () => {
    const task = { capability: 'narrative.generate', input: { text: 'look' }, delayMs: 60_000 };
    const accepted = await check('post', '/v1/tasks', 202, task);
    await check('get', `/v1/tasks/${accepted.id}`, 200);
    await check('delete', `/v1/tasks/${accepted.id}?reason=testing`, 202);
    await check('post', '/v1/tasks/batch', 202, { tasks: [task, task] });
    await check('post', '/v1/tasks', 400, { capability: 'narrative.generate' });
    await check('post', '/v1/tasks', 422, { capability: 'no.such', input: {} });
    await check('get', '/v1/tasks/cap.narrative.generate~not-a-task', 404);
    await check('get', '/v1/dead-letter?limit=10', 200);
  });

  it('match the documented schemas: workflows', async () => {
    await check('get', '/v1/workflows', 200);
    const run = { sessionId: 'openapi-1', input: { text: 'go north' } };
    const started = await check('post', '/v1/workflows/player-turn/runs', 202, run);
    await check('get', `/v1/workflow-runs/${started.id}`, 200);
    await check('delete', `/v1/workflow-runs/${started.id}`, 202);
    await check('post', '/v1/workflows/no-such-flow/runs', 422, run);
  });

  it('match the documented schemas: agents, capabilities, routing, diagnostics, health', async () => {
    const list = await check('get', '/v1/agents', 200);
    expect(list.agents).toHaveLength(1);
    await check('get', '/v1/agents/narrator-openapi', 200);
    await check('get', '/v1/capabilities', 200);
    await check(
      'get',
      '/v1/routing/preview?capability=narrative.generate&requirements=tier:fast',
      200,
    );
    const diagnostics = await check('get', '/v1/diagnostics', 200);
    expect(diagnostics.registry?.agents).toHaveLength(1);
    await check('post', '/v1/agents/narrator-openapi/drain', 202, {});
    await check('get', '/healthz', 200);
    await check('get', '/readyz', 200);
    const metrics = await request(h.app).get('/metrics').expect(200);
    const documented = operationFor('GET', '/metrics').responses['200']?.content ?? {};
    expect(Object.keys(documented)).toEqual([metrics.headers['content-type']?.split(';')[0]]);
  });
});
