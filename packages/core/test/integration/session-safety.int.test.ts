import { loadConfig, type QueueNames } from '@tta/core';
import type { ScreenedTurn } from '../../src/safety/session-risk';
import { SessionSafety } from '../../src/safety/session-safety';
import { createTestRedis, deletePrefix, uniqueNames } from '@tta/test-utils';
import type { Redis } from 'ioredis';

describe('SessionSafety', () => {
  let redis: Redis;
  let names: QueueNames;
  let sessions: SessionSafety;
  const base = Date.now();

  beforeEach(() => {
    redis = createTestRedis();
    names = uniqueNames();
    const { safety } = loadConfig({
      env: {},
      overrides: {
        safety: {
          sessionRisk: { supportiveTurns: 2, supportiveMs: 10_000 },
          disclosure: { periodMs: 60_000 },
          breaks: { afterMs: 30_000, gapMs: 5_000 },
        },
      },
    });
    sessions = new SessionSafety(redis, safety);
  });

  afterEach(async () => {
    await deletePrefix(redis, names.prefix);
    await redis.quit();
  });

  const turn = (
    runId: string,
    offsetMs: number,
    partial: Partial<ScreenedTurn> = {},
  ): ScreenedTurn => ({
    runId,
    at: base + offsetMs,
    level: 'safe',
    categories: [],
    markers: [],
    ...partial,
  });

  it('keeps a session supportive after a crisis until both its turns and its time have passed', async () => {
    const crisis = await sessions.record(
      names,
      's1',
      turn('r0', 0, { level: 'crisis', categories: ['self_harm'] }),
    );
    expect(crisis).toMatchObject({ level: 'crisis', supportive: true, disclose: true });
    const answers = [];
    for (const [i, offset] of [1_000, 2_000, 3_000, 11_000].entries()) {
      answers.push((await sessions.record(names, 's1', turn(`r${i + 1}`, offset))).supportive);
    }
    // Two turns counted, then still within 10 s, then neither.
    expect(answers).toEqual([true, true, true, false]);
  });

  it('answers a run recorded again as the first time, without counting it twice', async () => {
    await sessions.record(
      names,
      's2',
      turn('a', 0, { level: 'concern', categories: ['distress'] }),
    );
    const first = await sessions.record(
      names,
      's2',
      turn('b', 1000, { level: 'concern', categories: ['self_harm'] }),
    );
    const again = await sessions.record(
      names,
      's2',
      turn('b', 1000, { level: 'concern', categories: ['self_harm'] }),
    );
    expect(first.level).toBe('crisis');
    expect(again).toEqual(first);
    expect(await redis.zcard(names.key('safety', 'session', 's2', 'turns'))).toBe(2);
  });

  it('adds a means in one turn and a farewell in a later one up to a crisis, per session', async () => {
    await sessions.record(names, 's3', turn('m', 0, { markers: ['means'] }));
    const other = await sessions.record(names, 's4', turn('f0', 1000, { markers: ['farewell'] }));
    expect(other.level).toBe('safe');
    const farewell = await sessions.record(names, 's3', turn('f', 2000, { markers: ['farewell'] }));
    expect(farewell).toMatchObject({ level: 'crisis', reasons: ['markers:means+farewell'] });
  });

  it('discloses on the first turn and after the period; suggests a break after a stretch without pauses', async () => {
    const at = (runId: string, offset: number) => sessions.record(names, 's5', turn(runId, offset));
    expect((await at('a', 0)).disclose).toBe(true);
    expect((await at('b', 4_000)).disclose).toBe(false);
    // A pause longer than gapMs (5 s) starts a new stretch at 12 s; a turn every 4 s follows.
    const breaks: number[] = [];
    for (let t = 12_000; t <= 56_000; t += 4_000) {
      if ((await at(`t${t}`, t)).suggestBreak) breaks.push(t);
    }
    // 30 s into the stretch, and not again before another 30 s.
    expect(breaks).toEqual([44_000]);
    expect((await at('z', 61_000)).disclose).toBe(true);
  });
});
