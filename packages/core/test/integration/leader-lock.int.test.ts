import type { QueueNames } from '@tta/core';
import { LeaderLock } from '../../src/redis/leader-lock';
import { createTestRedis, deletePrefix, once, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

const TTL_MS = 600;

describe('LeaderLock', () => {
  let redis: Redis;
  let names: QueueNames;
  let key: string;
  const connections: Redis[] = [];
  const locks: LeaderLock[] = [];

  /** A candidate on its own connection, as a separate process would have. */
  function candidate(id: string): { lock: LeaderLock; connection: Redis } {
    const connection = createTestRedis();
    connections.push(connection);
    const lock = new LeaderLock(connection, { key, id, ttlMs: TTL_MS });
    locks.push(lock);
    return { lock, connection };
  }

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    key = names.key('test', 'leader');
  });

  afterEach(async () => {
    await Promise.all(locks.splice(0).map((lock) => lock.stop()));
    await Promise.all(
      connections.splice(0).map(async (c) => {
        if (c.status !== 'end') await c.quit();
      }),
    );
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('makes exactly one of two candidates the leader', async () => {
    const a = candidate('a').lock;
    const b = candidate('b').lock;
    const acquired: string[] = [];
    a.on('acquired', () => acquired.push('a'));
    b.on('acquired', () => acquired.push('b'));
    await Promise.all([a.start(), b.start()]);
    // On a loaded machine the first try may time out (it waits at most half the TTL): the
    // campaign goes on, and one of them leads within a few ticks.
    await waitFor(() => a.isLeader || b.isLeader, { what: 'a leader' });
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    expect(acquired).toHaveLength(1);
    const leader = a.isLeader ? 'a' : 'b';
    expect(acquired).toEqual([leader]);
    expect(await a.currentLeader()).toBe(leader);
    expect(await redis.get(key)).toBe(leader);
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(TTL_MS);
  });

  it('keeps the lock past its TTL by renewing it', async () => {
    const a = candidate('a').lock;
    const b = candidate('b').lock;
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    const lost = jest.fn();
    a.on('lost', lost);
    // Watch the key for three TTLs: it never expires and never changes hands.
    const seen = new Set<string | null>();
    const started = Date.now();
    await waitFor(
      async () => {
        seen.add(await redis.get(key));
        return Date.now() - started > TTL_MS * 3;
      },
      { timeoutMs: TTL_MS * 6, intervalMs: 50, what: 'three TTLs to pass' },
    );
    expect([...seen]).toEqual(['a']);
    expect(a.isLeader).toBe(true);
    expect(b.isLeader).toBe(false);
    expect(lost).not.toHaveBeenCalled();
    expect(await redis.get(key)).toBe('a');
  });

  it('hands over to the standby within about a TTL when the leader stops', async () => {
    const a = candidate('a').lock;
    const b = candidate('b').lock;
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    const acquired = once(b, 'acquired', 5000);
    const lost = once(a, 'lost', 5000);
    const stoppedAt = Date.now();
    await a.stop();
    await lost;
    expect(a.isLeader).toBe(false);
    await acquired;
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS + 200);
    expect(b.isLeader).toBe(true);
    expect(await redis.get(key)).toBe('b');
  });

  it('lets the standby take over after the leader dies without releasing', async () => {
    const { lock: a, connection } = candidate('a');
    const b = candidate('b').lock;
    await a.start();
    await b.start();
    expect(a.isLeader).toBe(true);
    const lost = once(a, 'lost', 5000);
    const acquired = once(b, 'acquired', 5000);
    const diedAt = Date.now();
    // The leader's connection dies: it can neither renew nor release.
    connection.disconnect();
    await acquired;
    const takeover = Date.now() - diedAt;
    // Not before the unrenewed key expires (last renewal at most a third of a TTL ago).
    expect(takeover).toBeGreaterThanOrEqual(TTL_MS / 2);
    expect(takeover).toBeLessThan(TTL_MS * 2);
    // The old leader steps down on its own once it has failed to renew for a TTL.
    await lost;
    expect(a.isLeader).toBe(false);
    expect(b.isLeader).toBe(true);
  });

  it('notices that its key was deleted and emits lost', async () => {
    const a = candidate('a').lock;
    await a.start();
    expect(a.isLeader).toBe(true);
    const lost = once(a, 'lost', 5000);
    await redis.del(key);
    await lost;
    // Nobody else holds it: the candidate takes it back at its next try.
    await once(a, 'acquired', 5000);
    expect(await redis.get(key)).toBe('a');
  });

  it('notices that its key was taken over and stays a follower', async () => {
    const a = candidate('a').lock;
    await a.start();
    const lost = once(a, 'lost', 5000);
    await redis.set(key, 'intruder', 'PX', 60_000);
    await lost;
    expect(a.isLeader).toBe(false);
    expect(await a.currentLeader()).toBe('intruder');
    // Stopping a follower leaves the other leader's key alone.
    await a.stop();
    expect(await redis.get(key)).toBe('intruder');
  });
});
