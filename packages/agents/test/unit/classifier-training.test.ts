import type { SafetyLevel } from '@tta/contracts';
import { RiskClassifier } from '@tta/agents';
import { buildClassifierModel } from '../../../../bench/src/safety/classifier-model-file';
import {
  DEFAULT_TRAINING_SETTINGS,
  trainClassifier,
  type TrainingSettings,
} from '../../../../bench/src/safety/classifier-training';
import type { CorpusRow } from '../../../../bench/src/safety/corpus';
import {
  naiveBayesRatios,
  scaleRows,
  toSparseRows,
} from '../../../../bench/src/safety/logistic-regression';
import {
  floorSignificant,
  stratifiedFolds,
  thresholdForRecall,
} from '../../../../bench/src/safety/cross-validation';

const TEXTS: Record<SafetyLevel, string[]> = {
  crisis: [
    'i want to die tonight',
    'i am going to kill myself',
    'i wish i was dead',
    'i have the pills ready to end it',
    'nobody would miss me if i died',
    'i want to end my life',
    'i cut myself again and it was deep',
    'tonight i will end it all',
  ],
  concern: [
    'i feel so sad lately',
    'everything feels heavy and grey',
    'i have been lonely for weeks',
    'i cannot sleep and i worry all the time',
    'i feel worthless most days',
    'my chest is tight with stress',
  ],
  safe: [
    'take the stone',
    'kill the goblin with my sword',
    'go north to the lake',
    'talk to the librarian',
    'open the wooden door',
    'look at the old map',
    'attack the troll',
    'pick up the lantern',
  ],
};

const ROWS: CorpusRow[] = Object.entries(TEXTS).flatMap(([expect, texts]) =>
  texts.map((text, i) => ({
    expect: expect as SafetyLevel,
    category: expect,
    style: 'direct',
    text,
    file: `train/${expect}.csv`,
    line: i + 2,
  })),
);

/** The texts above are plain enough: lowercase words are what the classifier reads. */
const normalize = (text: string): string => text.toLowerCase();

const SETTINGS: TrainingSettings = {
  ...DEFAULT_TRAINING_SETTINGS,
  folds: 3,
  buckets: 2 ** 14,
  // No false-alarm budget: the thresholds follow the recall target alone.
  maxSafeFalseAlarm: { crisis: 1, flag: 1 },
  maxShortSafeCrisis: 1,
  logistic: { ...DEFAULT_TRAINING_SETTINGS.logistic, iterations: 100 },
};

describe('trainClassifier', () => {
  test('gives a byte-identical model for the same rows, which the runtime loads', () => {
    const first = JSON.stringify(
      buildClassifierModel(trainClassifier(ROWS, normalize, SETTINGS), ROWS, SETTINGS),
    );
    const second = JSON.stringify(
      buildClassifierModel(trainClassifier(ROWS, normalize, SETTINGS), ROWS, SETTINGS),
    );
    expect(second).toBe(first);
    const model = JSON.parse(first) as { createdFrom: Record<string, unknown> };
    expect(model.createdFrom.trainRows).toBe(ROWS.length);
    const classifier = RiskClassifier.fromModel(model);
    const crisis = classifier.score('i want to die tonight');
    const play = classifier.score('open the wooden door');
    expect(crisis.crisis).toBeGreaterThan(play.crisis);
    expect(crisis.flag).toBeGreaterThan(play.flag);
  });

  test('picks thresholds that keep the target recall out of fold', () => {
    const result = trainClassifier(ROWS, normalize, { ...SETTINGS, targetRecall: 0.9 });
    expect(result.crisis.report.positives).toBe(TEXTS.crisis.length);
    expect(result.flag.report.positives).toBe(TEXTS.crisis.length + TEXTS.concern.length);
    expect(result.crisis.report.recall).toBeGreaterThanOrEqual(0.9);
    expect(result.flag.report.recall).toBeGreaterThanOrEqual(0.9);
  });

  test('raises the crisis threshold of short texts to their own false-alarm budget', () => {
    const free = trainClassifier(ROWS, normalize, SETTINGS);
    expect(free.short.threshold).toBe(free.crisis.report.threshold);
    const strict = trainClassifier(ROWS, normalize, { ...SETTINGS, maxShortSafeCrisis: 0 });
    // Every row here is short: no short safe row may reach the threshold out of fold.
    expect(strict.short.safeCalledCrisis).toBe(0);
    expect(strict.short.threshold).toBeGreaterThanOrEqual(strict.crisis.report.threshold);
    const model = buildClassifierModel(strict, ROWS, { ...SETTINGS, maxShortSafeCrisis: 0 });
    const classifier = RiskClassifier.fromModel(model);
    expect(classifier.shortCrisisThreshold).toBe(strict.short.threshold);
    expect(classifier.thresholds.crisis).toBe(strict.crisis.report.threshold);
  });

  test('refuses a corpus with too few rows of a class', () => {
    const safeOnly = ROWS.filter((row) => row.expect === 'safe');
    expect(() => trainClassifier(safeOnly, normalize, SETTINGS)).toThrow(
      'crisis head: need at least 3',
    );
  });
});

describe('naiveBayesRatios', () => {
  test('weighs a feature by how much more often positive rows have it', () => {
    // Three rows over features 0..2: feature 0 only in positives, 1 only in the negative, 2 in all.
    const data = toSparseRows(
      [
        new Map([
          [10, 1],
          [12, 1],
        ]),
        new Map([
          [10, 1],
          [12, 1],
        ]),
        new Map([
          [11, 1],
          [12, 1],
        ]),
      ],
      new Map([
        [10, 0],
        [11, 1],
        [12, 2],
      ]),
    );
    const labels = Uint8Array.from([1, 1, 0]);
    const { ratios, other } = naiveBayesRatios(data, labels, Int32Array.from([0, 1, 2]), 1);
    // Smoothed counts: positive [3, 1, 3] of 7, negative [1, 2, 2] of 5.
    expect(ratios[0]).toBeCloseTo(Math.log(3 / 7 / (1 / 5)), 12);
    expect(ratios[1]).toBeCloseTo(Math.log(1 / 7 / (2 / 5)), 12);
    expect(ratios[2]).toBeCloseTo(Math.log(3 / 7 / (2 / 5)), 12);
    expect(other).toBeCloseTo(Math.log(5 / 7), 12);
    // Scaled rows are unit length again.
    const scaled = scaleRows(data, ratios);
    for (let r = 0; r < 3; r += 1) {
      const from = scaled.offsets[r] ?? 0;
      const to = scaled.offsets[r + 1] ?? 0;
      let sum = 0;
      for (let k = from; k < to; k += 1) sum += (scaled.values[k] ?? 0) ** 2;
      expect(sum).toBeCloseTo(1, 12);
    }
  });
});

describe('cross-validation helpers', () => {
  test('the threshold is the highest that keeps the recall', () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    expect(thresholdForRecall(scores, 0.9)).toBe(0.1);
    expect(thresholdForRecall(scores, 0.5)).toBe(0.5);
    expect(thresholdForRecall(scores, 0.99)).toBe(0.05);
    expect(thresholdForRecall([], 0.99)).toBeNaN();
  });

  test('rounding a threshold down never raises it', () => {
    expect(floorSignificant(0.123456789, 6)).toBe(0.123456);
    expect(floorSignificant(0.3, 6)).toBeLessThanOrEqual(0.3);
  });

  test('folds are stratified and the same for the same seed', () => {
    const groups = [...Array(10).fill('a'), ...Array(5).fill('b')] as string[];
    const folds = stratifiedFolds(groups, 5, 1);
    expect([...folds]).toEqual([...stratifiedFolds(groups, 5, 1)]);
    for (let fold = 0; fold < 5; fold += 1) {
      expect(groups.filter((g, r) => g === 'a' && folds[r] === fold)).toHaveLength(2);
      expect(groups.filter((g, r) => g === 'b' && folds[r] === fold)).toHaveLength(1);
    }
  });
});
