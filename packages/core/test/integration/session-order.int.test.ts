import { SessionOrder, type TaskProgress } from '../../src/sessions/session-order';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';

describe('SessionOrder', () => {
  const names = uniqueNames();
  let redis: Redis;
  let order: SessionOrder;
  const progress = new Map<string, TaskProgress>();
  const progressOf = async (taskId: string) => progress.get(taskId) ?? 'missing';

  beforeAll(() => {
    redis = createTestRedis();
    order = new SessionOrder(redis, { names, orphanAfterMs: 200 });
  });

  afterAll(async () => {
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  it('lets only the head of a session run, and hands the turn on in admission order', async () => {
    const now = Date.now();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => SessionOrder.entry(id, now));
    for (const id of ['a', 'b', 'c']) progress.set(id, 'pending');
    await order.admit('s1', [a!, b!]);
    await order.admit('s1', [c!]);
    expect(await order.turn('s1', a!, progressOf)).toBe('run');
    expect(await order.turn('s1', b!, progressOf)).toBe('wait');
    expect(await order.turn('s1', c!, progressOf)).toBe('wait');
    // Other sessions are not held up.
    const other = SessionOrder.entry('x', now);
    await order.admit('s2', [other]);
    expect(await order.turn('s2', other, progressOf)).toBe('run');
    expect(await order.release('s1', a!)).toBe('b');
    expect(await order.turn('s1', c!, progressOf)).toBe('wait');
    expect(await order.turn('s1', b!, progressOf)).toBe('run');
  });

  it('skips a head that ended without handing over, and an orphan only once it is old', async () => {
    const now = Date.now();
    const ended = SessionOrder.entry('ended', now);
    const young = SessionOrder.entry('young', now);
    const me = SessionOrder.entry('me', now);
    progress.set('ended', 'ended');
    progress.set('me', 'pending');
    await order.admit('s3', [ended, young, me]);
    // 'ended' is dropped on the way; 'young' has no job yet but may still be on its way.
    expect(await order.turn('s3', me, progressOf)).toBe('wait');
    expect(await redis.lrange(names.key('session', 's3', 'order'), 0, -1)).toEqual([young, me]);
    // 'young' becomes an orphan once 200 ms old: from then on, 'me' runs.
    await waitFor(async () => (await order.turn('s3', me, progressOf)) === 'run', {
      what: "'me' to run once 'young' is an orphan",
    });
    expect(Date.now() - now).toBeGreaterThanOrEqual(200);
  });

  it('lets a task run that is no longer in the list (it ended before and runs again)', async () => {
    const gone = SessionOrder.entry('gone', Date.now());
    const head = SessionOrder.entry('head', Date.now());
    progress.set('head', 'pending');
    await order.admit('s4', [head]);
    expect(await order.turn('s4', gone, progressOf)).toBe('run');
  });
});
