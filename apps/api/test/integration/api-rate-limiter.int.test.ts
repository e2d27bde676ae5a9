import { createTestRedis, deletePrefix, uniquePrefix, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import { ApiRateLimiter, type RateLimitDecision } from '../../src/access/api-rate-limiter';

describe('ApiRateLimiter leases', () => {
  let redis: Redis;
  let monitored: Redis;
  let monitor: Redis;
  let prefix: string;
  const commands: string[][] = [];
  // MONITOR also shows the commands a script runs: count the calls (the scripts) only.
  const calls = () => commands.filter(([name]) => /^eval(sha)?$/i.test(name ?? '')).length;

  beforeEach(async () => {
    redis = createTestRedis('producer');
    prefix = uniquePrefix();
    commands.length = 0;
    // monitor() opens a connection of its own: both are closed after the test.
    monitored = createTestRedis();
    monitor = await monitored.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((a) => a.startsWith(prefix))) commands.push(args);
    });
  });

  afterEach(async () => {
    monitor.disconnect();
    await monitored.quit();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const limiter = () => new ApiRateLimiter(redis, { keyPrefix: `${prefix}:rate-limit` });

  let markers = 0;
  /**
   * Waits until MONITOR has shown every command sent so far on `redis` (the limiters' give-backs
   * go out without being awaited): Redis runs a connection's commands in order and MONITOR
   * reports them in that order, so once a marker sent after them shows, they all have.
   */
  async function monitorCaughtUp(): Promise<void> {
    const marker = `${prefix}:marker-${(markers += 1)}`;
    await redis.echo(marker);
    await waitFor(() => commands.some((args) => args.includes(marker)), {
      what: 'MONITOR to show the marker',
    });
  }

  async function burst(instances: ApiRateLimiter[], count: number, points: number) {
    const decisions = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        (instances[i % instances.length] as ApiRateLimiter).consume('key', {
          points,
          durationSeconds: 60,
        }),
      ),
    );
    return decisions.filter((d): d is RateLimitDecision => d !== undefined);
  }

  it('admits a high limit from leases, never past it, with a round trip per lease', async () => {
    const [a, b] = [limiter(), limiter()];
    // Leases of 20 (a 50th of 1000): 1,200 requests over two instances.
    const decisions = await burst([a, b], 1200, 1000);
    const admitted = decisions.filter((d) => d.allowed).length;
    expect(decisions).toHaveLength(1200);
    expect(admitted).toBeLessThanOrEqual(1000);
    // An unspent lease of the other instance can refuse a little early, by at most a lease.
    expect(admitted).toBeGreaterThanOrEqual(1000 - 20);
    await monitorCaughtUp();
    // 1000 / 20 = 50 reservations, a few give-backs and refusals: far from 1,200 round trips.
    expect(calls()).toBeLessThan(70);
    // Once the window is known to be spent, refusals cost no round trip.
    const before = calls();
    const more = await burst([a, b], 200, 1000);
    expect(more.every((d) => !d.allowed && d.remaining === 0)).toBe(true);
    await monitorCaughtUp();
    expect(calls() - before).toBeLessThanOrEqual(2);
  });

  it('keeps a small limit exact across instances, however concurrent', async () => {
    const decisions = await burst([limiter(), limiter(), limiter()], 30, 10);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused?.resetMs).toBeGreaterThan(50_000);
  });
});
