import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@tta/test-utils';
import request from 'supertest';
import { startApiHarness, type ApiHarness } from './api-harness';

const BROKEN = 'tools:\n  world.snapshot:\n    timeoutMs: -5\n';
const READER = { id: 'reader', key: 'policy-reader-key', scopes: ['agents:read' as const] };

let h: ApiHarness;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tta-api-policy-'));
  cpSync(path.join(REPO_ROOT, 'config/policies'), dir, { recursive: true });
  h = await startApiHarness({ overrides: { policy: { dir } }, apiKeys: [READER] });
});

afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /v1/policy and /v1/policy/status', () => {
  it('answer the applied policy and its status', async () => {
    const policy = await request(h.app).get('/v1/policy').expect(200);
    expect(policy.body).toMatchObject({
      version: expect.stringMatching(/^[0-9a-f]{16}$/),
      loadedAt: expect.any(Number),
      source: expect.stringContaining('(startup)'),
      policies: {
        default: { tools: {} },
        'world-builder': { tools: { 'world.snapshot': { timeoutMs: 2000, concurrency: 32 } } },
      },
    });
    const status = await request(h.app).get('/v1/policy/status').expect(200);
    expect(status.body).toEqual({
      version: policy.body.version,
      loadedAt: policy.body.loadedAt,
      source: policy.body.source,
    });
  });
});

describe('POST /v1/policy/validate', () => {
  it('checks files and policy objects without applying them', async () => {
    const before = (await request(h.app).get('/v1/policy').expect(200)).body.version as string;
    const invalid = await request(h.app)
      .post('/v1/policy/validate')
      .send({ files: { 'world-builder.yaml': BROKEN, 'narative-generator.yaml': '' } })
      .expect(200);
    expect(invalid.body).toEqual({
      valid: false,
      errors: [
        "narative-generator.yaml: no capability in the catalog is served by agent type 'narative-generator'",
        'world-builder.yaml: tools.world.snapshot.timeoutMs: must be a positive integer',
      ],
    });
    const valid = await request(h.app)
      .post('/v1/policy/validate')
      .send({ policies: { 'world-builder': { tools: {} } } })
      .expect(200);
    expect(valid.body).toEqual({ valid: true, errors: [], version: expect.any(String) });
    expect(valid.body.version).not.toBe(before);
    expect((await request(h.app).get('/v1/policy').expect(200)).body.version).toBe(before);
  });

  it('answers 400 to a body that is neither files nor policies', async () => {
    const res = await request(h.app).post('/v1/policy/validate').send({ file: {} }).expect(400);
    expect(res.body).toMatchObject({ error: { code: 'invalid_input' } });
  });
});

describe('POST /v1/policy/reload', () => {
  it('refuses invalid files with 422, keeps the applied policy and reports why in the status', async () => {
    const before = (await request(h.app).get('/v1/policy').expect(200)).body.version as string;
    writeFileSync(path.join(dir, 'world-builder.yaml'), BROKEN);
    const res = await request(h.app).post('/v1/policy/reload').expect(422);
    const line = `${path.join(dir, 'world-builder.yaml')}: tools.world.snapshot.timeoutMs: must be a positive integer`;
    expect(res.body).toEqual({
      error: {
        code: 'invalid_policy',
        message: `policy refused: ${line}`,
        details: { errors: [line] },
      },
    });
    const status = await request(h.app).get('/v1/policy/status').expect(200);
    expect(status.body).toMatchObject({
      version: before,
      lastError: { at: expect.any(Number), message: line },
    });
    expect((await request(h.app).get('/v1/policy').expect(200)).body.version).toBe(before);
  });

  it('applies valid files, and clears the last error', async () => {
    writeFileSync(path.join(dir, 'world-builder.yaml'), 'tools: {}\n');
    const res = await request(h.app).post('/v1/policy/reload').expect(200);
    expect(res.body).toMatchObject({
      applied: true,
      changed: true,
      status: { source: expect.stringContaining('(reload request by key harness-admin)') },
    });
    expect(res.body.status.lastError).toBeUndefined();
    const policy = await request(h.app).get('/v1/policy').expect(200);
    expect(policy.body.version).toBe(res.body.status.version);
    expect(policy.body.policies['world-builder'].tools).toEqual({});
  });

  it('needs the admin scope; reading needs agents:read', async () => {
    const auth = { Authorization: `Bearer ${READER.key}` };
    await request(h.app).get('/v1/policy').set(auth).expect(200);
    await request(h.app).get('/v1/policy/status').set(auth).expect(200);
    await request(h.app).post('/v1/policy/reload').set(auth).expect(403);
    await request(h.app).post('/v1/policy/validate').set(auth).send({ policies: {} }).expect(403);
  });
});
