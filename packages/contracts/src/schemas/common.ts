import { z } from 'zod';
import { MAX_INPUT_DEPTH, nestsDeeperThan } from './json-depth';

/** Most labels an agent may carry (and a task may require): an agent consumes one pool queue per non-empty subset of its labels, so 3 labels make 7 pool queues per capability. */
export const MAX_LABELS = 3;

/** One label key or value: 1 to 64 letters, digits, dots, dashes or underscores; case matters. */
export const labelSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash or underscore');

/** A set of labels: at most {@link MAX_LABELS} pairs of {@link labelSchema} keys and values. */
export const labelSetSchema = z
  .record(labelSchema, labelSchema)
  .refine((labels) => Object.keys(labels).length <= MAX_LABELS, {
    message: `at most ${MAX_LABELS} labels`,
  });

/** A session id: 1 to 128 letters, digits, dots, dashes or underscores. */
export const sessionIdSchema = labelSchema.max(128);

/** The input of a task or a workflow run: a JSON object at most {@link MAX_INPUT_DEPTH} levels deep. */
export const inputRecordSchema = z
  .record(z.string(), z.unknown())
  .refine((input) => !nestsDeeperThan(input, MAX_INPUT_DEPTH), {
    message: `must not nest objects and arrays more than ${MAX_INPUT_DEPTH} levels deep`,
  });

/** A point in time, in epoch milliseconds. */
export const epochMsSchema = z.number().int().describe('epoch milliseconds');

/** Labels as answers carry them: any keys and values. */
export const labelsSchema = z.record(z.string(), z.string());

/** Token usage and cost of LLM calls. */
export const usageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});

/** Token usage and cost of a task, a run or a slice of the cost report. */
export type Usage = z.output<typeof usageSchema>;

/** The body of every error answer. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('stable error code, e.g. `invalid_input`, `not_found`'),
    message: z.string().describe('what went wrong; for `invalid_input` it names the field'),
    details: z.unknown().optional().describe('e.g. `{ issues: [{ path, message }] }`'),
    requestId: z
      .string()
      .optional()
      .describe(
        'on `internal_error`: the request id (also in `X-Request-Id`) its log line carries',
      ),
  }),
});

/** The JSON body of every error answer. */
export type ErrorBody = z.output<typeof errorBodySchema>;
