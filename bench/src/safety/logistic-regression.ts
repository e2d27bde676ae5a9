/**
 * Texts as sparse rows over a compact feature space (compressed sparse rows): row `r` has the
 * features `indices[offsets[r] .. offsets[r + 1])` with the values at the same positions.
 */
export interface SparseRows {
  /** Number of distinct features (compact ids `0 .. featureCount - 1`). */
  featureCount: number;
  offsets: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/** How one logistic regression is fitted. */
export interface LogisticOptions {
  /** L2 penalty on the weights (not the bias), against the weighted mean log loss. */
  l2: number;
  /** Full-batch gradient steps. */
  iterations: number;
  /**
   * How much more the positive class counts than the negative one after balancing both to the
   * same total weight: above 1 favours recall.
   */
  positiveBoost: number;
}

/** A fitted logistic regression over compact feature ids. */
export interface LogisticFit {
  bias: number;
  weights: Float64Array;
}

/** Sparse rows from feature maps, with the feature ids given by `featureIds` (bucket → id). */
export function toSparseRows(
  rows: readonly ReadonlyMap<number, number>[],
  featureIds: ReadonlyMap<number, number>,
): SparseRows {
  const nonZero = rows.reduce((sum, row) => sum + row.size, 0);
  const offsets = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nonZero);
  const values = new Float64Array(nonZero);
  let at = 0;
  rows.forEach((row, r) => {
    for (const [bucket, value] of row) {
      const id = featureIds.get(bucket);
      if (id === undefined) continue;
      indices[at] = id;
      values[at] = value;
      at += 1;
    }
    offsets[r + 1] = at;
  });
  return { featureCount: featureIds.size, offsets, indices, values };
}

/** Logit of row `r`. */
export function logitOf(data: SparseRows, fit: LogisticFit, r: number): number {
  let logit = fit.bias;
  for (let k = data.offsets[r] ?? 0; k < (data.offsets[r + 1] ?? 0); k += 1) {
    logit += (fit.weights[data.indices[k] ?? 0] ?? 0) * (data.values[k] ?? 0);
  }
  return logit;
}

/** Probability of the positive class for row `r`. */
export function probabilityOf(data: SparseRows, fit: LogisticFit, r: number): number {
  return 1 / (1 + Math.exp(-logitOf(data, fit, r)));
}

/** What a fit minimises: the weighted mean log loss over `rows`, plus the L2 penalty. */
interface Objective {
  data: SparseRows;
  labels: Uint8Array;
  rows: Int32Array;
  /** Weight of each of `rows`, summing to 1. */
  weightOf: Float64Array;
  l2: number;
}

/** Each training row's weight: both classes balanced to the same total, positives boosted. */
function sampleWeights(labels: Uint8Array, rows: Int32Array, positiveBoost: number): Float64Array {
  let positives = 0;
  for (const r of rows) positives += labels[r] ?? 0;
  const negatives = rows.length - positives;
  const positive = positives === 0 ? 0 : (positiveBoost * rows.length) / (2 * positives);
  const negative = negatives === 0 ? 0 : rows.length / (2 * negatives);
  const total = positive * positives + negative * negatives;
  return Float64Array.from(rows, (r) => ((labels[r] ?? 0) === 1 ? positive : negative) / total);
}

/** The objective's gradient at `at`, into `grad`. */
function gradient(objective: Objective, at: LogisticFit, grad: LogisticFit): void {
  const { data, labels, rows, weightOf, l2 } = objective;
  for (let j = 0; j < grad.weights.length; j += 1) grad.weights[j] = l2 * (at.weights[j] ?? 0);
  grad.bias = 0;
  rows.forEach((r, i) => {
    const error = (weightOf[i] ?? 0) * (probabilityOf(data, at, r) - (labels[r] ?? 0));
    grad.bias += error;
    for (let k = data.offsets[r] ?? 0; k < (data.offsets[r + 1] ?? 0); k += 1) {
      const j = data.indices[k] ?? 0;
      grad.weights[j] = (grad.weights[j] ?? 0) + error * (data.values[k] ?? 0);
    }
  });
}

function zeroFit(size: number): LogisticFit {
  return { bias: 0, weights: new Float64Array(size) };
}

/**
 * Fits a binary logistic regression on the rows `rows` of `data` (labels 1 = positive) by
 * full-batch gradient descent with Nesterov momentum, from zero weights: deterministic, the
 * same inputs give the same weights bit for bit. Feature vectors are expected L2-normalised,
 * which bounds the curvature and so fixes a safe step size.
 */
export function fitLogistic(
  data: SparseRows,
  labels: Uint8Array,
  rows: Int32Array,
  options: LogisticOptions,
): LogisticFit {
  const weightOf = sampleWeights(labels, rows, options.positiveBoost);
  const objective: Objective = { data, labels, rows, weightOf, l2: options.l2 };
  // Curvature of the mean log loss is at most |x|^2 / 4 = (1 + 1) / 4 with the bias input.
  const stepSize = 1 / (0.5 + options.l2);
  const conditioning = Math.sqrt(options.l2 * stepSize);
  const momentum = (1 - conditioning) / (1 + conditioning);
  const size = data.featureCount;
  const x = zeroFit(size);
  const y = zeroFit(size);
  const grad = zeroFit(size);
  const previous = new Float64Array(size);
  for (let step = 0; step < options.iterations; step += 1) {
    gradient(objective, y, grad);
    previous.set(x.weights);
    const previousBias = x.bias;
    x.bias = y.bias - stepSize * grad.bias;
    y.bias = x.bias + momentum * (x.bias - previousBias);
    for (let j = 0; j < size; j += 1) {
      const next = (y.weights[j] ?? 0) - stepSize * (grad.weights[j] ?? 0);
      x.weights[j] = next;
      y.weights[j] = next + momentum * (next - (previous[j] ?? 0));
    }
  }
  return x;
}

/**
 * Naive Bayes log-count ratios of every feature (Wang & Manning's NBSVM): how much more often
 * a feature occurs in the positive rows of `rows` than in the negative ones, each count
 * smoothed by `smoothing`. Scaling the features by these ratios before the regression lets a
 * small corpus weigh rare but telling words. `other` is the ratio of a feature no row has.
 */
export function naiveBayesRatios(
  data: SparseRows,
  labels: Uint8Array,
  rows: Int32Array,
  smoothing: number,
): { ratios: Float64Array; other: number } {
  const positive = new Float64Array(data.featureCount).fill(smoothing);
  const negative = new Float64Array(data.featureCount).fill(smoothing);
  for (const r of rows) {
    const counts = (labels[r] ?? 0) === 1 ? positive : negative;
    for (let k = data.offsets[r] ?? 0; k < (data.offsets[r + 1] ?? 0); k += 1) {
      const j = data.indices[k] ?? 0;
      if ((data.values[k] ?? 0) > 0) counts[j] = (counts[j] ?? 0) + 1;
    }
  }
  let positiveTotal = 0;
  let negativeTotal = 0;
  for (let j = 0; j < data.featureCount; j += 1) {
    positiveTotal += positive[j] ?? 0;
    negativeTotal += negative[j] ?? 0;
  }
  const ratios = new Float64Array(data.featureCount);
  for (let j = 0; j < data.featureCount; j += 1) {
    ratios[j] = Math.log((positive[j] ?? 0) / positiveTotal / ((negative[j] ?? 0) / negativeTotal));
  }
  return { ratios, other: Math.log(negativeTotal / positiveTotal) };
}

/** `data` with each feature multiplied by its ratio, every row scaled back to unit length. */
export function scaleRows(data: SparseRows, ratios: Float64Array): SparseRows {
  const values = new Float64Array(data.values.length);
  for (let r = 0; r + 1 < data.offsets.length; r += 1) {
    const from = data.offsets[r] ?? 0;
    const to = data.offsets[r + 1] ?? 0;
    let sumOfSquares = 0;
    for (let k = from; k < to; k += 1) {
      const value = (data.values[k] ?? 0) * (ratios[data.indices[k] ?? 0] ?? 0);
      values[k] = value;
      sumOfSquares += value * value;
    }
    const scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0;
    for (let k = from; k < to; k += 1) values[k] = (values[k] ?? 0) * scale;
  }
  return { ...data, values };
}
