import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseClassifierModel, type ClassifierModel } from '@tta/agents';
import { SAFETY_LEVELS } from '@tta/contracts';
import type {
  HeadReport,
  TrainedHead,
  TrainingResult,
  TrainingSettings,
} from './classifier-training';
import type { CorpusRow } from './corpus';
import { roundSignificant } from './cross-validation';

/** Significant digits kept of each weight and of the bias. */
const WEIGHT_DIGITS = 6;
/** Significant digits kept of each Naive Bayes ratio: smoothed counts, no finer than this. */
const RATIO_DIGITS = 4;

/** `[bucket, value]` entries rounded, those equal to `dropped` once rounded left out. */
function roundEntries(
  entries: ReadonlyArray<readonly [number, number]>,
  dropped: number,
  digits: number,
): Array<[number, number]> {
  const kept: Array<[number, number]> = [];
  for (const [bucket, value] of entries) {
    const rounded = roundSignificant(value, digits);
    if (rounded !== dropped) kept.push([bucket, rounded]);
  }
  return kept;
}

/** Round one head for the file: weights that round to zero are left out. */
function roundHead(head: TrainedHead): ClassifierModel['crisis'] {
  const rounded: ClassifierModel['crisis'] = {
    bias: roundSignificant(head.bias, WEIGHT_DIGITS),
    weights: roundEntries(head.weights, 0, WEIGHT_DIGITS),
  };
  if (head.scale === undefined) return rounded;
  const other = roundSignificant(head.scale.other, RATIO_DIGITS);
  return {
    ...rounded,
    scale: { other, ratios: roundEntries(head.scale.ratios, other, RATIO_DIGITS) },
  };
}

/** First 12 hex digits of the SHA-256 of what decides the scores: buckets, thresholds, heads. */
export function classifierModelId(
  scoring: Omit<ClassifierModel, 'version' | 'id' | 'createdFrom'>,
): string {
  const canonical = JSON.stringify([
    scoring.buckets,
    scoring.thresholds.crisis,
    scoring.thresholds.flag,
    scoring.crisis,
    scoring.flag,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

function round4(rate: number): number {
  return Number(rate.toFixed(4));
}

function roundRates(report: HeadReport): HeadReport {
  return {
    ...report,
    recall: round4(report.recall),
    safeFalseAlarm: round4(report.safeFalseAlarm),
  };
}

function describeCorpus(rows: readonly CorpusRow[]) {
  const files = new Map<string, number>();
  for (const row of rows) {
    const name = path.basename(row.file);
    files.set(name, (files.get(name) ?? 0) + 1);
  }
  return {
    trainRows: rows.length,
    rowsByLevel: Object.fromEntries(
      SAFETY_LEVELS.map((level) => [level, rows.filter((row) => row.expect === level).length]),
    ),
    files: [...files].map(([name, count]) => ({ name, rows: count })),
  };
}

/**
 * The model file's contents, keys in a fixed order, validated against the schema the runtime
 * loads with. Nothing in it depends on the time or the machine: the same rows and settings give
 * the same model.
 */
export function buildClassifierModel(
  result: TrainingResult,
  rows: readonly CorpusRow[],
  settings: TrainingSettings,
): ClassifierModel {
  const scoring = {
    buckets: settings.buckets,
    thresholds: {
      crisis: result.crisis.report.threshold,
      flag: result.flag.report.threshold,
      shortCrisis: result.short.threshold,
    },
    crisis: roundHead(result.crisis),
    flag: roundHead(result.flag),
  };
  const createdFrom = {
    ...describeCorpus(rows),
    settings: {
      seed: settings.seed,
      folds: settings.folds,
      targetRecall: settings.targetRecall,
      maxSafeFalseAlarm: settings.maxSafeFalseAlarm,
      maxShortSafeCrisis: settings.maxShortSafeCrisis,
      naiveBayesSmoothing: settings.naiveBayesSmoothing,
      ...settings.logistic,
    },
    outOfFold: {
      crisis: roundRates(result.crisis.report),
      flag: roundRates(result.flag.report),
      concernCalledCrisis: round4(result.concernCalledCrisis),
      short: {
        crisisRecall: round4(result.short.crisisRecall),
        safeCalledCrisis: round4(result.short.safeCalledCrisis),
      },
    },
  };
  const id = classifierModelId(scoring);
  // The schema puts the keys in its own order, which is the file's.
  return parseClassifierModel({ version: 1, id, createdFrom, ...scoring }, 'trained model');
}
