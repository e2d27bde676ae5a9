import { z } from 'zod';

/** One decision of the autoscaler. */
export const scalingDecisionSchema = z.object({
  type: z.string().describe('agent type'),
  at: z.string().describe('when, ISO 8601'),
  direction: z.enum(['up', 'down', 'hold']),
  from: z.number().int().describe('replicas before'),
  to: z.number().int().describe('replicas after'),
  desired: z.number().int().describe('desired replicas, clamped to min and max'),
  raw: z.number().describe('(λ·W + B / drainSeconds) / (C · targetUtilization), unrounded'),
  arrivalRatePerSecond: z.number().describe('jobs added per second (λ)'),
  backlog: z.number().int().describe('jobs waiting to start (B)'),
  meanRunSeconds: z.number().describe('mean job run time in seconds (W)'),
});

/** The answer of `GET /v1/scaling`. */
export const scalingReportSchema = z.object({
  agentTypes: z.array(
    z.object({
      type: z.string(),
      min: z.number().int(),
      max: z.number().int(),
      desired: z.number().int(),
      actual: z.number().int(),
      live: z.number().int().optional(),
      lastDecision: scalingDecisionSchema.nullable(),
    }),
  ),
  decisions: z
    .array(scalingDecisionSchema)
    .describe('newest decisions that changed a replica count, newest first'),
});

/** Desired and actual replicas per agent type, and the last decisions. */
export type ScalingReportView = z.output<typeof scalingReportSchema>;
