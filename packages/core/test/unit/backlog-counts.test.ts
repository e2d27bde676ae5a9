import { BacklogCounts, parseRedisMemoryInfo } from '@tta/core';

describe('BacklogCounts', () => {
  it('waits for the first read, then adds what this process admitted since the read was sent', async () => {
    const stored = new Map([['q', 10]]);
    let reads = 0;
    const counts = new BacklogCounts({
      refreshMs: 60_000,
      read: async (keys) => {
        reads += 1;
        return new Map(keys.map((k) => [k, stored.get(k) ?? 0]));
      },
    });
    expect(await counts.get(['q', 'other'])).toEqual(
      new Map([
        ['q', 10],
        ['other', 0],
      ]),
    );
    counts.add('q', 3);
    expect((await counts.get(['q'])).get('q')).toBe(13);
    expect(reads).toBe(1);
  });

  it('reads a stale count again in the background (refreshStale) and does not count twice what the read already saw', async () => {
    let stored = 5;
    let release: () => void = () => undefined;
    const counts = new BacklogCounts({
      refreshMs: 1,
      maxAgeMs: 60_000,
      read: async (keys) => {
        const seen = stored;
        await new Promise<void>((resolve) => (release = resolve));
        return new Map(keys.map((k) => [k, seen]));
      },
    });
    const first = counts.get(['q']);
    release();
    expect((await first).get('q')).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Stored and added before a background read is sent: counted once, after the read too.
    stored += 2;
    counts.add('q', 2);
    counts.refreshStale(['q']);
    expect((await counts.get(['q'])).get('q')).toBe(7);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await counts.get(['q'])).get('q')).toBe(7);
  });
});

describe('parseRedisMemoryInfo', () => {
  it('reads used_memory and maxmemory, and a ratio of 0 without maxmemory', () => {
    const info = '# Memory\r\nused_memory:1500\r\nused_memory_human:1.46K\r\nmaxmemory:2000\r\n';
    expect(parseRedisMemoryInfo(info)).toEqual({ usedBytes: 1500, maxBytes: 2000, ratio: 0.75 });
    expect(parseRedisMemoryInfo('used_memory:1500\r\nmaxmemory:0\r\n').ratio).toBe(0);
  });
});
