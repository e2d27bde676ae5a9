import express from 'express';
import request from 'supertest';
import { requestId, requestIdOf } from '../../src/http/request-id';

function app() {
  const a = express();
  a.use(requestId());
  a.get('/', (req, res) => {
    res.json({ id: requestIdOf(req) });
  });
  return a;
}

describe('requestId', () => {
  it('gives each request a new id, answered in X-Request-Id', async () => {
    const [a, b] = await Promise.all([request(app()).get('/'), request(app()).get('/')]);
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.body).toEqual({ id: a.headers['x-request-id'] });
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it("keeps a caller's plain id, and replaces one that could forge a log line", async () => {
    const kept = await request(app()).get('/').set('X-Request-Id', 'game-server:42');
    expect(kept.body).toEqual({ id: 'game-server:42' });
    const forged = await request(app()).get('/').set('X-Request-Id', 'x" level=error msg=');
    expect(forged.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
