import { MAX_CANCEL_REASON_LENGTH } from '@tta/core';
import { z } from 'zod';

/**
 * The query of `DELETE /v1/tasks/:id` and `DELETE /v1/workflow-runs/:id`: an optional
 * `reason`, given once, kept with the cancelled task or run.
 */
export const cancelQuerySchema = z.object({
  reason: z
    .string({ error: 'must be given once, as text' })
    .max(MAX_CANCEL_REASON_LENGTH, `must be at most ${MAX_CANCEL_REASON_LENGTH} characters`)
    .optional(),
});
