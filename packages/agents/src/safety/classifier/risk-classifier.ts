import path from 'node:path';
import { readJsonFile } from '../config-file';
import { extractFeatureVector, type FeatureVector } from './classifier-features';
import { parseClassifierModel, type ClassifierModel } from './classifier-model';

/** Probabilities the classifier gives a text. */
export interface RiskScore {
  /** That the text is a crisis. */
  crisis: number;
  /** That the text is a crisis or a concern (anything but safe). */
  flag: number;
}

/** Probabilities at and above which a score counts: from the model file. */
export type RiskThresholds = Readonly<RiskScore>;

/**
 * A text of fewer words than this (not counting the screen's structure words) is short: the
 * classifier has little to go on, so its crisis threshold is the model's `shortCrisis`.
 */
export const SHORT_TEXT_WORDS = 8;

/** Words of a text as the classifier reads it, without the screen's `#` structure words. */
export function classifierWordCount(normalized: string): number {
  let count = 0;
  for (const word of normalized.split(' ')) if (word !== '' && !word.startsWith('#')) count += 1;
  return count;
}

// Looked up once: a lookup of `Math` per call is slow in a vm context (jest).
const { exp, sqrt } = Math;

interface LogisticHead {
  bias: number;
  /** Weight of every bucket, zero where the model stores none. */
  weights: Float64Array;
  /** Naive Bayes ratio of every bucket (NBSVM), or undefined for a plain regression. */
  ratios?: Float64Array;
}

function compileHead(head: ClassifierModel['crisis'], buckets: number): LogisticHead {
  const weights = new Float64Array(buckets);
  for (const [bucket, weight] of head.weights) weights[bucket] = weight;
  if (head.scale === undefined) return { bias: head.bias, weights };
  const ratios = new Float64Array(buckets).fill(head.scale.other);
  for (const [bucket, ratio] of head.scale.ratios) ratios[bucket] = ratio;
  return { bias: head.bias, weights, ratios };
}

function probability(head: LogisticHead, features: FeatureVector): number {
  const { buckets, values } = features;
  const { weights, ratios } = head;
  let dot = 0;
  // Plain loops: a closure per feature costs more than the product itself.
  if (ratios === undefined) {
    for (let i = 0; i < buckets.length; i += 1) {
      dot += (weights[buckets[i] ?? 0] ?? 0) * (values[i] ?? 0);
    }
    return 1 / (1 + exp(-(head.bias + dot)));
  }
  // Each feature times its ratio, the vector scaled back to unit length (as in training).
  let sumOfSquares = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    const bucket = buckets[i] ?? 0;
    const value = (values[i] ?? 0) * (ratios[bucket] ?? 0);
    sumOfSquares += value * value;
    dot += (weights[bucket] ?? 0) * value;
  }
  const logit = head.bias + (sumOfSquares > 0 ? dot / sqrt(sumOfSquares) : 0);
  return 1 / (1 + exp(-logit));
}

/**
 * The committed model, `packages/agents/models/safety-classifier.json`. Resolved from this
 * file, which is three folders below the package both as source (`src/safety/classifier`) and
 * compiled (`dist/safety/classifier`).
 */
export function defaultModelPath(): string {
  return path.resolve(__dirname, '../../../models/safety-classifier.json');
}

/**
 * The on-device crisis classifier: two logistic regressions over the hashed features of
 * `extractFeatures`, one for crisis against the rest and one for crisis-or-concern
 * against safe, each with its features scaled by Naive Bayes ratios when the model has them. Immutable; `score` is pure and synchronous.
 */
export class RiskClassifier {
  /** The model's id: a short content hash written by the trainer. */
  readonly id: string;
  /** Number of hash buckets of the features. */
  readonly buckets: number;
  /** Probabilities at and above which a text counts as crisis, and as flagged. */
  readonly thresholds: RiskThresholds;
  /** Probability at and above which a short text counts as crisis (see {@link SHORT_TEXT_WORDS}). */
  readonly shortCrisisThreshold: number;
  private readonly crisis: LogisticHead;
  private readonly flag: LogisticHead;

  private constructor(model: ClassifierModel) {
    this.id = model.id;
    this.buckets = model.buckets;
    this.thresholds = Object.freeze({
      crisis: model.thresholds.crisis,
      flag: model.thresholds.flag,
    });
    this.shortCrisisThreshold = model.thresholds.shortCrisis ?? model.thresholds.crisis;
    this.crisis = compileHead(model.crisis, model.buckets);
    this.flag = compileHead(model.flag, model.buckets);
  }

  /**
   * A classifier from a model file's parsed contents. Throws a `ConfigError` naming `source`
   * and the first offending field when the contents are wrong.
   */
  static fromModel(model: unknown, source = 'model'): RiskClassifier {
    return new RiskClassifier(parseClassifierModel(model, source));
  }

  /**
   * Reads and validates the model at `filePath` (default: {@link defaultModelPath}),
   * synchronously, as config is loaded at start. Throws a `ConfigError` naming the file.
   */
  static load(filePath: string = defaultModelPath()): RiskClassifier {
    return RiskClassifier.fromModel(readJsonFile('safety classifier', filePath), filePath);
  }

  /** Probabilities for an already normalised text (see `SafetyScreen.classifierText`). */
  score(normalized: string): RiskScore {
    const features = extractFeatureVector(normalized, this.buckets);
    return { crisis: probability(this.crisis, features), flag: probability(this.flag, features) };
  }
}
