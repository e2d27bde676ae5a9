import type { SafetyLevel } from '@tta/contracts';
import { splitMetrics, type ScreenedRow } from '../../../../bench/src/safety/safety-metrics';

/** `count` rows expected `expect`, screened `got`. */
function rows(
  count: number,
  expect: SafetyLevel,
  got: SafetyLevel,
  category = `${expect}_topic`,
  style = 'direct',
): ScreenedRow[] {
  return Array.from({ length: count }, () => ({ expect, got, category, style }));
}

// 10 crisis: 7 crisis, 2 concern, 1 safe. 4 concern: 1 crisis, 2 concern, 1 safe.
// 20 safe: 1 crisis, 2 concern, 17 safe.
const TABLE: ScreenedRow[] = [
  ...rows(7, 'crisis', 'crisis'),
  ...rows(2, 'crisis', 'concern', 'crisis_topic', 'typo'),
  ...rows(1, 'crisis', 'safe', 'crisis_topic', 'typo'),
  ...rows(1, 'concern', 'crisis'),
  ...rows(2, 'concern', 'concern'),
  ...rows(1, 'concern', 'safe'),
  ...rows(1, 'safe', 'crisis', 'game'),
  ...rows(2, 'safe', 'concern', 'game', 'typo'),
  ...rows(17, 'safe', 'safe', 'game'),
];

describe('splitMetrics', () => {
  const metrics = splitMetrics(TABLE);

  test('counts the confusion matrix by expected, then screened level', () => {
    expect(metrics.rows).toBe(34);
    expect(metrics.confusion).toEqual({
      crisis: { crisis: 7, concern: 2, safe: 1 },
      concern: { crisis: 1, concern: 2, safe: 1 },
      safe: { crisis: 1, concern: 2, safe: 17 },
    });
  });

  test('computes each rate with its counts', () => {
    expect(metrics.rates).toEqual({
      crisisRecall: { rate: 0.7, hits: 7, of: 10 },
      crisisCaught: { rate: 0.9, hits: 9, of: 10 },
      concernRecall: { rate: 0.75, hits: 3, of: 4 },
      safeFlagged: { rate: 0.15, hits: 3, of: 20 },
      safeCrisis: { rate: 0.05, hits: 1, of: 20 },
    });
  });

  test('breaks the rates down by category and by style, with null where nothing counts', () => {
    expect(Object.keys(metrics.byCategory)).toEqual(['concern_topic', 'crisis_topic', 'game']);
    const game = metrics.byCategory.game!;
    expect(game.rows).toBe(20);
    expect(game.rates.safeFlagged).toEqual({ rate: 0.15, hits: 3, of: 20 });
    expect(game.rates.crisisRecall).toEqual({ rate: null, hits: 0, of: 0 });
    const typo = metrics.byStyle.typo!;
    expect(typo.rates.crisisCaught).toEqual({ rate: 2 / 3, hits: 2, of: 3 });
    expect(typo.rates.safeFlagged).toEqual({ rate: 1, hits: 2, of: 2 });
  });

  test('gives null rates for no rows', () => {
    const empty = splitMetrics([]);
    expect(empty.rows).toBe(0);
    expect(empty.rates.crisisRecall.rate).toBeNull();
    expect(empty.byCategory).toEqual({});
  });
});
