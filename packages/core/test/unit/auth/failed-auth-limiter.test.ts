import { FailedAuthLimiter } from '@tta/core';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let at = start;
  return { now: () => at, advance: (ms) => (at += ms) };
}

describe('FailedAuthLimiter', () => {
  it('blocks an address after its failures of the window, until the window ends', () => {
    const time = clock();
    const limiter = new FailedAuthLimiter({ maxFailures: 3, windowMs: 60_000, now: time.now });
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
      limiter.recordFailure('10.0.0.1');
      time.advance(1000);
    }
    // The window started with the first failure, 3 s ago.
    expect(limiter.blockedForMs('10.0.0.1')).toBe(57_000);
    expect(limiter.blockedForMs('10.0.0.2')).toBe(0);
    time.advance(56_999);
    expect(limiter.blockedForMs('10.0.0.1')).toBe(1);
    time.advance(1);
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
  });

  it('counts nothing with maxFailures 0', () => {
    const limiter = new FailedAuthLimiter({ maxFailures: 0 });
    for (let i = 0; i < 100; i += 1) limiter.recordFailure('10.0.0.1');
    expect(limiter.enabled).toBe(false);
    expect(limiter.blockedForMs('10.0.0.1')).toBe(0);
  });

  it('keeps at most maxAddresses windows, forgetting the oldest first', () => {
    const time = clock();
    const limiter = new FailedAuthLimiter({
      maxFailures: 1,
      windowMs: 60_000,
      maxAddresses: 2,
      now: time.now,
    });
    limiter.recordFailure('a');
    time.advance(1);
    limiter.recordFailure('b');
    time.advance(1);
    limiter.recordFailure('c');
    expect(['a', 'b', 'c'].map((address) => limiter.blockedForMs(address) > 0)).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('forgets expired windows before forgetting live ones', () => {
    const time = clock();
    const limiter = new FailedAuthLimiter({
      maxFailures: 1,
      windowMs: 1000,
      maxAddresses: 2,
      now: time.now,
    });
    limiter.recordFailure('old');
    time.advance(900);
    limiter.recordFailure('live');
    time.advance(200);
    limiter.recordFailure('new');
    expect(limiter.blockedForMs('live')).toBe(800);
    expect(limiter.blockedForMs('new')).toBe(1000);
  });
});
