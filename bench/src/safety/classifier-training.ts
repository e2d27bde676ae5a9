import {
  classifierWordCount,
  DEFAULT_FEATURE_BUCKETS,
  extractFeatures,
  SHORT_TEXT_WORDS,
} from '@tta/agents';
import type { SafetyLevel } from '@tta/contracts';
import type { CorpusRow } from './corpus';
import {
  floorSignificant,
  rowsOfFold,
  shareAtOrAbove,
  stratifiedFolds,
  thresholdForFalseAlarm,
  thresholdForRecall,
} from './cross-validation';
import {
  fitLogistic,
  naiveBayesRatios,
  probabilityOf,
  scaleRows,
  toSparseRows,
  type LogisticFit,
  type LogisticOptions,
  type SparseRows,
} from './logistic-regression';

/** How the classifier is trained; every field is fixed so that training is reproducible. */
export interface TrainingSettings {
  /** Seed of the fold assignment. */
  seed: number;
  /** Folds of the cross-validation that picks the thresholds. */
  folds: number;
  /** Out-of-fold recall each threshold aims for (0.99: at most 1 in 100 missed). */
  targetRecall: number;
  /**
   * Most out-of-fold safe rows each head may flag: when the recall target would flag more, the
   * threshold rises to this budget (the screen's own false alarms add to the classifier's).
   */
  maxSafeFalseAlarm: Readonly<Record<'crisis' | 'flag', number>>;
  /**
   * Most out-of-fold short safe rows (under `SHORT_TEXT_WORDS` words) the crisis head may call
   * crisis: a short text gives the classifier little to go on, and a game command of four words
   * ("take a deep breath") must not end a turn as a crisis.
   */
  maxShortSafeCrisis: number;
  /** Hash buckets of the features. */
  buckets: number;
  /**
   * Smoothing of the Naive Bayes feature ratios each head scales its features by (NBSVM), or 0
   * for plain logistic regression.
   */
  naiveBayesSmoothing: number;
  /** How each logistic regression is fitted. */
  logistic: LogisticOptions;
}

/** The settings `npm run train:safety` uses. */
export const DEFAULT_TRAINING_SETTINGS: Readonly<TrainingSettings> = Object.freeze({
  seed: 20_240_601,
  folds: 5,
  targetRecall: 0.99,
  maxSafeFalseAlarm: Object.freeze({ crisis: 0.03, flag: 0.03 }),
  maxShortSafeCrisis: 0.005,
  buckets: DEFAULT_FEATURE_BUCKETS,
  naiveBayesSmoothing: 1,
  logistic: Object.freeze({ l2: 1e-5, iterations: 800, positiveBoost: 2 }),
});

/** The two heads of the classifier. */
export const HEADS = ['crisis', 'flag'] as const;
/** One of {@link HEADS}: `crisis` (crisis against the rest), `flag` (anything but safe). */
export type Head = (typeof HEADS)[number];

/** What cross-validation says of one head at its threshold. */
export interface HeadReport {
  /** Rows of the positive class. */
  positives: number;
  /** Probability at and above which a text counts, rounded down to 6 significant digits. */
  threshold: number;
  /** Out-of-fold share of the positives at or above the threshold. */
  recall: number;
  /** Out-of-fold share of the safe rows at or above the threshold. */
  safeFalseAlarm: number;
}

/** A trained classifier: each head's fit over buckets, its threshold and its report. */
export interface TrainedHead {
  bias: number;
  /** `[bucket, weight]` for every bucket seen in training, by bucket. */
  weights: Array<[number, number]>;
  /** The Naive Bayes ratios the head scales its features by, when it does. */
  scale?: { other: number; ratios: Array<[number, number]> };
  report: HeadReport;
}

/** The result of {@link trainClassifier}. */
export interface TrainingResult {
  crisis: TrainedHead;
  flag: TrainedHead;
  /** Out-of-fold share of the concern rows that the crisis head calls crisis. */
  concernCalledCrisis: number;
  /** The crisis head's threshold for short texts, and what it does out of fold. */
  short: { threshold: number; crisisRecall: number; safeCalledCrisis: number };
}

function isPositive(head: Head, expect: SafetyLevel): boolean {
  return head === 'crisis' ? expect === 'crisis' : expect !== 'safe';
}

/** A fit on `rows`, with the features scaled by their ratios on those rows when configured. */
function fitHead(
  data: SparseRows,
  labels: Uint8Array,
  rows: Int32Array,
  settings: TrainingSettings,
): { fit: LogisticFit; data: SparseRows; scale?: { other: number; ratios: Float64Array } } {
  if (settings.naiveBayesSmoothing <= 0) {
    return { fit: fitLogistic(data, labels, rows, settings.logistic), data };
  }
  const scale = naiveBayesRatios(data, labels, rows, settings.naiveBayesSmoothing);
  const scaled = scaleRows(data, scale.ratios);
  return { fit: fitLogistic(scaled, labels, rows, settings.logistic), data: scaled, scale };
}

/**
 * Out-of-fold probability of every row: each fold scored by a fit on the other folds (the
 * Naive Bayes ratios too come from the other folds only).
 */
function outOfFold(
  data: SparseRows,
  labels: Uint8Array,
  folds: Int32Array,
  settings: TrainingSettings,
): number[] {
  const scores = new Array<number>(labels.length).fill(Number.NaN);
  for (let fold = 0; fold < settings.folds; fold += 1) {
    const head = fitHead(data, labels, rowsOfFold(folds, fold, false), settings);
    for (const r of rowsOfFold(folds, fold, true)) {
      scores[r] = probabilityOf(head.data, head.fit, r);
    }
  }
  return scores;
}

function scoresWhere(scores: readonly number[], rows: readonly CorpusRow[], level: SafetyLevel) {
  return scores.filter((_, r) => rows[r]?.expect === level);
}

function toBucketWeights(fit: LogisticFit, buckets: readonly number[]): Array<[number, number]> {
  return buckets.map((bucket, id) => [bucket, fit.weights[id] ?? 0]);
}

function trainHead(
  head: Head,
  rows: readonly CorpusRow[],
  data: SparseRows,
  buckets: readonly number[],
  folds: Int32Array,
  settings: TrainingSettings,
): { trained: TrainedHead; scores: number[] } {
  const labels = Uint8Array.from(rows, (row) => (isPositive(head, row.expect) ? 1 : 0));
  const positives = labels.reduce((sum, label) => sum + label, 0);
  if (positives < settings.folds || rows.length - positives < settings.folds) {
    throw new Error(
      `${head} head: need at least ${settings.folds} rows of each class, got ${positives} positive and ${rows.length - positives} negative`,
    );
  }
  const scores = outOfFold(data, labels, folds, settings);
  const positiveScores = scores.filter((_, r) => labels[r] === 1);
  // Recall first, within a budget of false alarms: past it the rules, not the classifier, carry recall.
  const byRecall = floorSignificant(thresholdForRecall(positiveScores, settings.targetRecall), 6);
  const safeScores = scoresWhere(scores, rows, 'safe');
  const threshold = Math.max(
    byRecall,
    thresholdForFalseAlarm(safeScores, settings.maxSafeFalseAlarm[head]),
  );
  const { fit, scale } = fitHead(data, labels, Int32Array.from(rows.keys()), settings);
  const report: HeadReport = {
    positives,
    threshold,
    recall: shareAtOrAbove(positiveScores, threshold),
    safeFalseAlarm: shareAtOrAbove(scoresWhere(scores, rows, 'safe'), threshold),
  };
  const trained: TrainedHead = { bias: fit.bias, weights: toBucketWeights(fit, buckets), report };
  if (scale !== undefined) {
    trained.scale = {
      other: scale.other,
      ratios: buckets.map((bucket, id) => [bucket, scale.ratios[id] ?? 0]),
    };
  }
  return { trained, scores };
}

/**
 * Trains both heads on `rows`: features of each text as `normalize` gives it (the screen's
 * `classifierText`: the words the classifier reads at run time), stratified folds, out-of-fold
 * scores to pick each head's threshold (the highest that keeps the target recall), then a fit
 * on every row. Pure and deterministic: the same rows and settings give the same numbers.
 */
export function trainClassifier(
  rows: readonly CorpusRow[],
  normalize: (text: string) => string,
  settings: TrainingSettings = DEFAULT_TRAINING_SETTINGS,
): TrainingResult {
  const texts = rows.map((row) => normalize(row.text));
  const features = texts.map((text) => extractFeatures(text, settings.buckets));
  const buckets = [...new Set(features.flatMap((row) => [...row.keys()]))].sort((a, b) => a - b);
  const data = toSparseRows(features, new Map(buckets.map((bucket, id) => [bucket, id])));
  const folds = stratifiedFolds(
    rows.map((row) => row.expect),
    settings.folds,
    settings.seed,
  );
  const crisis = trainHead('crisis', rows, data, buckets, folds, settings);
  const flag = trainHead('flag', rows, data, buckets, folds, settings);
  const concernScores = scoresWhere(crisis.scores, rows, 'concern');
  const isShort = texts.map((text) => classifierWordCount(text) < SHORT_TEXT_WORDS);
  const shortScores = (level: SafetyLevel) =>
    crisis.scores.filter((_, r) => isShort[r] === true && rows[r]?.expect === level);
  const shortThreshold = Math.max(
    crisis.trained.report.threshold,
    thresholdForFalseAlarm(shortScores('safe'), settings.maxShortSafeCrisis),
  );
  return {
    crisis: crisis.trained,
    flag: flag.trained,
    concernCalledCrisis: shareAtOrAbove(concernScores, crisis.trained.report.threshold),
    short: {
      threshold: shortThreshold,
      crisisRecall: shareAtOrAbove(shortScores('crisis'), shortThreshold),
      safeCalledCrisis: shareAtOrAbove(shortScores('safe'), shortThreshold),
    },
  };
}
