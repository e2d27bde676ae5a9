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

// Looked up once: a lookup of `Math` per call is slow in a vm context (jest).
const { exp } = Math;

interface LogisticHead {
  bias: number;
  /** Weight of every bucket, zero where the model stores none. */
  weights: Float64Array;
}

function compileHead(head: ClassifierModel['crisis'], buckets: number): LogisticHead {
  const weights = new Float64Array(buckets);
  for (const [bucket, weight] of head.weights) weights[bucket] = weight;
  return { bias: head.bias, weights };
}

function probability(head: LogisticHead, features: FeatureVector): number {
  let logit = head.bias;
  features.buckets.forEach((bucket, i) => {
    logit += (head.weights[bucket] ?? 0) * (features.values[i] ?? 0);
  });
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
 * against safe. Immutable; `score` is pure and synchronous.
 */
export class RiskClassifier {
  /** The model's id: a short content hash written by the trainer. */
  readonly id: string;
  /** Number of hash buckets of the features. */
  readonly buckets: number;
  /** Probabilities at and above which a text counts as crisis, and as flagged. */
  readonly thresholds: RiskThresholds;
  private readonly crisis: LogisticHead;
  private readonly flag: LogisticHead;

  private constructor(model: ClassifierModel) {
    this.id = model.id;
    this.buckets = model.buckets;
    this.thresholds = Object.freeze({ ...model.thresholds });
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
