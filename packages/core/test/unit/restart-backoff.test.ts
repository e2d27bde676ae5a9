import { RestartBackoff } from '@tta/core';

describe('RestartBackoff', () => {
  const options = { backoffMs: 100, maxBackoffMs: 1000, limit: 3, windowMs: 10_000 };

  it('doubles the delay per consecutive fast crash, up to the longest delay', () => {
    const backoff = new RestartBackoff({ ...options, limit: 100 });
    const delays: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i += 1) {
      const { delayMs } = backoff.crashed(now, now + 10);
      delays.push(delayMs);
      now += 10 + delayMs;
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('starts over after a run longer than the longest delay', () => {
    const backoff = new RestartBackoff(options);
    expect(backoff.crashed(0, 10).delayMs).toBe(100);
    expect(backoff.crashed(110, 120).delayMs).toBe(200);
    expect(backoff.crashed(320, 5000).delayMs).toBe(100);
  });

  it('reaches the limit on the crash after `limit` restarts within the window, and waits for it', () => {
    const backoff = new RestartBackoff(options);
    const decisions = [0, 200, 500, 1000].map((t) => backoff.crashed(t, t + 1));
    expect(decisions.map((d) => d.limitReached)).toEqual([false, false, false, true]);
    expect(decisions.map((d) => d.crashesInWindow)).toEqual([1, 2, 3, 4]);
    // The first restart was at 101 ms: the window allows another at 10,101 ms.
    expect(decisions[3]?.delayMs).toBe(10_101 - 1001);
    const later = backoff.crashed(30_000, 30_001);
    expect(later.limitReached).toBe(false);
  });

  it('refuses a setting that is not a positive number', () => {
    expect(() => new RestartBackoff({ limit: 0 })).toThrow(/limit/);
  });
});
