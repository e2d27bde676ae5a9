import { schemaConfigError } from '../config-file';
import { z } from 'zod';

const MAX_BUCKETS = 2 ** 24;

const probability = z.number().min(0, 'must be at least 0').max(1, 'must be at most 1');

const weightEntry = z.tuple([
  z.number().int('must be an integer').nonnegative('must not be negative'),
  z.number().finite(),
]);

const naiveBayesScale = z
  .object({
    /** Ratio of a bucket the list does not name. */
    other: z.number().finite(),
    /** `[bucket, ratio]`: the Naive Bayes log-count ratio each feature is multiplied by. */
    ratios: z.array(weightEntry),
  })
  .strict();

const logisticHead = z
  .object({
    /** Intercept of the logistic regression. */
    bias: z.number().finite(),
    /** `[bucket, weight]` of every bucket whose weight is not zero. */
    weights: z.array(weightEntry),
    /**
     * When present, the features are multiplied by these ratios and scaled back to unit length
     * before the weights apply (NBSVM); absent, the head is a plain logistic regression.
     */
    scale: naiveBayesScale.optional(),
  })
  .strict();

/** The shape of a safety classifier model file, as the trainer writes it. */
export const classifierModelSchema = z
  .object({
    /** Format version of the file: 1. */
    version: z.literal(1),
    /** Short content hash written by the trainer: 12 lowercase hex digits. */
    id: z.string().regex(/^[0-9a-f]{12}$/, 'must be 12 lowercase hex digits'),
    /** Number of hash buckets of the features (see `extractFeatures`). */
    buckets: z.number().int().min(1).max(MAX_BUCKETS),
    /** What the model was trained on; free-form beyond the row count. */
    createdFrom: z.looseObject({ trainRows: z.number().int().nonnegative() }),
    /**
     * Probabilities at and above which a text counts as crisis, and as flagged; `shortCrisis`,
     * when present, is the crisis threshold of a text of fewer than `SHORT_TEXT_WORDS` words
     * (default: `crisis`).
     */
    thresholds: z
      .object({ crisis: probability, flag: probability, shortCrisis: probability.optional() })
      .strict(),
    /** Crisis against everything else. */
    crisis: logisticHead,
    /** Crisis or concern against safe. */
    flag: logisticHead,
  })
  .strict()
  .superRefine((model, ctx) => {
    for (const head of ['crisis', 'flag'] as const) {
      const lists = { weights: model[head].weights, ratios: model[head].scale?.ratios ?? [] };
      for (const [name, entries] of Object.entries(lists)) {
        entries.forEach(([bucket], i) => {
          if (bucket < model.buckets) return;
          ctx.addIssue({
            code: 'custom',
            path: name === 'weights' ? [head, name, i, 0] : [head, 'scale', name, i, 0],
            message: `bucket ${bucket} is not below buckets (${model.buckets})`,
          });
        });
      }
    }
  });

/** The contents of a safety classifier model file. */
export type ClassifierModel = z.infer<typeof classifierModelSchema>;

/**
 * Validates a model file's contents. Throws a `ConfigError` whose message names `source` (the
 * file) and the first offending field.
 */
export function parseClassifierModel(value: unknown, source: string): ClassifierModel {
  const parsed = classifierModelSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw schemaConfigError('safety classifier', source, parsed.error);
}
