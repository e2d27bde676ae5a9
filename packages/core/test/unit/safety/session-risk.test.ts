import { createHmac } from 'node:crypto';
import { signWebhook } from '../../../src/safety/safety-notifier';
import {
  assessSessionRisk,
  turnPoints,
  type ScreenedTurn,
  type SessionRiskOptions,
} from '../../../src/safety/session-risk';

const options: SessionRiskOptions = { windowMs: 3_600_000, halfLifeMs: 1_800_000, crisisScore: 2 };
const MINUTE = 60_000;

function turn(runId: string, at: number, partial: Partial<ScreenedTurn> = {}): ScreenedTurn {
  return { runId, at, level: 'safe', categories: [], markers: [], ...partial };
}

describe('assessSessionRisk', () => {
  it('keeps a first concern a concern', () => {
    const current = turn('b', 0, { level: 'concern', categories: ['distress'] });
    expect(assessSessionRisk([], current, options)).toEqual({
      level: 'concern',
      score: 1,
      reasons: [],
    });
  });

  it('adds a serious concern and another concern close together up to a crisis', () => {
    const earlier = [turn('a', 0, { level: 'concern', categories: ['distress'] })];
    const current = turn('b', 2 * MINUTE, {
      level: 'concern',
      categories: ['distress'],
      markers: ['death'],
    });
    const risk = assessSessionRisk(earlier, current, options);
    expect(risk.level).toBe('crisis');
    expect(risk.reasons).toEqual(['score']);
    expect(risk.score).toBeGreaterThan(2);
  });

  it('lets two plain concerns stay concerns, and lets points decay', () => {
    const earlier = [turn('a', 0, { level: 'concern', categories: ['distress'] })];
    const now = turn('b', MINUTE, { level: 'concern', categories: ['distress'] });
    expect(assessSessionRisk(earlier, now, options).level).toBe('concern');
    const serious = turn('c', 50 * MINUTE, { level: 'concern', categories: ['self_harm'] });
    const old = [turn('a', 0, { level: 'concern', categories: ['self_harm'] })];
    expect(assessSessionRisk(old, serious, options).level).toBe('concern');
  });

  it('makes a means in one turn and a time in a later one a crisis when either was flagged', () => {
    const earlier = [
      turn('a', 0, { level: 'concern', categories: ['distress'], markers: ['means'] }),
    ];
    const current = turn('b', 5 * MINUTE, { markers: ['time'] });
    expect(assessSessionRisk(earlier, current, options)).toMatchObject({
      level: 'crisis',
      reasons: ['markers:means+time'],
    });
    const calm = [turn('a', 0, { markers: ['means'] })];
    expect(assessSessionRisk(calm, current, options).level).toBe('safe');
  });

  it('makes a means in one turn and a farewell in a later one a crisis, even when both were safe', () => {
    const earlier = [turn('a', 0, { markers: ['means'] })];
    const current = turn('b', 5 * MINUTE, { markers: ['farewell'] });
    expect(assessSessionRisk(earlier, current, options).reasons).toEqual([
      'markers:means+farewell',
    ]);
  });

  it('counts death said in a calm turn only when the screen flagged it', () => {
    const game = [turn('a', 0, { markers: ['death'] })];
    expect(
      assessSessionRisk(game, turn('b', MINUTE, { markers: ['farewell'] }), options).level,
    ).toBe('safe');
    const sad = [turn('a', 0, { level: 'concern', categories: ['distress'], markers: ['death'] })];
    expect(
      assessSessionRisk(sad, turn('b', MINUTE, { markers: ['farewell'] }), options).reasons,
    ).toEqual(['markers:death+farewell']);
  });

  it('forgets turns past the window, and never raises a calm turn after a crisis', () => {
    const earlier = [turn('a', 0, { markers: ['means'] })];
    expect(
      assessSessionRisk(earlier, turn('b', 61 * MINUTE, { markers: ['time'] }), options).level,
    ).toBe('safe');
    const crisis = [turn('a', 0, { level: 'crisis', categories: ['suicidal_ideation'] })];
    expect(assessSessionRisk(crisis, turn('b', MINUTE), options).level).toBe('safe');
    expect(
      assessSessionRisk(
        crisis,
        turn('c', MINUTE, { level: 'concern', categories: ['distress'] }),
        options,
      ).level,
    ).toBe('crisis');
  });

  it('ignores its own run among the earlier turns (a run processed again)', () => {
    const earlier = [turn('a', 0, { markers: ['means'] })];
    expect(
      assessSessionRisk(earlier, turn('a', 0, { markers: ['time', 'means'] }), options).level,
    ).toBe('safe');
  });

  it('gives points by level and seriousness', () => {
    expect(turnPoints({ level: 'crisis', categories: [], markers: [] })).toBe(3);
    expect(turnPoints({ level: 'concern', categories: ['eating_disorder'], markers: [] })).toBe(
      1.5,
    );
    expect(turnPoints({ level: 'concern', categories: ['distress'], markers: [] })).toBe(1);
    expect(turnPoints({ level: 'safe', categories: [], markers: ['means'] })).toBe(0);
  });
});

describe('signWebhook', () => {
  it('signs "<t>.<body>" with HMAC-SHA256', () => {
    const body = '{"type":"safety.event"}';
    const expected = createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex');
    expect(signWebhook('s3cret', body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
    expect(signWebhook('other', body, 1_700_000_000)).not.toBe(`t=1700000000,v1=${expected}`);
  });
});
