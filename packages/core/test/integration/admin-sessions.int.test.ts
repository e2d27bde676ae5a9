import {
  AdminSessions,
  closeRedis,
  createRedisConnection,
  RedisUnavailableError,
  waitForReady,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const secret = 'an-admin-session-test-secret-0123456789';
const HOUR = 3_600_000;

describe('AdminSessions', () => {
  let redis: Redis;
  let names: QueueNames;
  let sessions: AdminSessions;
  const listNames = uniqueNames();

  beforeAll(async () => {
    redis = createTestRedis('producer');
    await waitForReady(redis, 5000);
    names = uniqueNames();
    sessions = new AdminSessions(redis, { names, secret, ttlMs: 8 * HOUR });
  });

  afterAll(async () => {
    await deletePrefix(redis, names.prefix);
    await deletePrefix(redis, listNames.prefix);
    await redis.quit();
  });

  it('starts a session under the prefix that expires with it, and finds it by its token', async () => {
    const { session, token } = await sessions.start({
      keyId: 'ops',
      address: '203.0.113.9',
      userAgent: 'curl/8',
    });
    expect(session).toMatchObject({ keyId: 'ops', address: '203.0.113.9', userAgent: 'curl/8' });
    expect(session.expiresAt - session.createdAt).toBe(8 * HOUR);
    const key = names.key('admin-session', session.id);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(8 * HOUR - 60_000);
    expect(ttl).toBeLessThanOrEqual(8 * HOUR);
    expect(await sessions.verify(token)).toEqual(session);
    expect(token).not.toContain('ops');
  });

  it('refuses a token once its session is ended, and ends it only once', async () => {
    const { session, token } = await sessions.start({ keyId: 'ops' });
    expect(sessions.idOf(token)).toBe(session.id);
    expect(await sessions.end(session.id)).toBe(true);
    expect(await sessions.verify(token)).toBeUndefined();
    expect(await sessions.end(session.id)).toBe(false);
    expect(await redis.exists(names.key('admin-session', session.id))).toBe(0);
  });

  it('refuses a session past its expiry', async () => {
    const { token } = await sessions.start({ keyId: 'ops' }, Date.now() - 9 * HOUR);
    expect(await sessions.verify(token)).toBeUndefined();
  });

  it('refuses a forged token and a session id presented as a token', async () => {
    const { session, token } = await sessions.start({ keyId: 'ops' });
    const other = new AdminSessions(redis, { names, secret: `${secret}-other` });
    expect(await other.verify(token)).toBeUndefined();
    expect(await sessions.verify(session.id)).toBeUndefined();
    expect(await sessions.verify(`${session.id}.${'A'.repeat(43)}`)).toBeUndefined();
  });

  it('lists the live sessions newest first, without ended or expired ones', async () => {
    const listed = new AdminSessions(redis, { names: listNames, secret, ttlMs: HOUR });
    const now = Date.now();
    const older = await listed.start({ keyId: 'ops', address: '198.51.100.1' }, now - 2000);
    const newer = await listed.start({ keyId: 'second', userAgent: 'Firefox' }, now - 1000);
    const ended = await listed.start({ keyId: 'ops' }, now - 500);
    await listed.start({ keyId: 'ops' }, now - 2 * HOUR);
    await listed.end(ended.session.id);
    expect(await listed.list(now)).toEqual([newer.session, older.session]);
  });

  it('cuts the address and user agent it records to size', async () => {
    const { session } = await sessions.start({ keyId: 'ops', userAgent: 'x'.repeat(1000) });
    expect(session.userAgent).toHaveLength(256);
  });

  it('answers a forged token without Redis, and fails closed while Redis is unavailable', async () => {
    const { token } = await sessions.start({ keyId: 'ops' });
    const down = createRedisConnection({
      url: 'redis://127.0.0.1:1',
      role: 'producer',
      connectTimeoutMs: 200,
    });
    try {
      const offline = new AdminSessions(down, { names, secret });
      expect(await offline.verify('not-a-token')).toBeUndefined();
      await expect(offline.verify(token)).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(offline.start({ keyId: 'ops' })).rejects.toBeInstanceOf(RedisUnavailableError);
      await expect(offline.list()).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await closeRedis(down);
    }
  });
});
