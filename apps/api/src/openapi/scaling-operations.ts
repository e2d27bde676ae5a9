import { z } from 'zod';
import type { ApiOperation } from './api-operation';

const decision = z.object({
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
      lastDecision: decision.nullable(),
    }),
  ),
  decisions: z
    .array(decision)
    .describe('newest decisions that changed a replica count, newest first'),
});

/** The autoscaler's route. */
export const SCALING_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/scaling',
    operationId: 'getScaling',
    tag: 'agents',
    summary: 'Autoscaler: desired and actual replicas per agent type, and its last decisions',
    description:
      'What the leading supervisor publishes in Redis on every decision (config `autoscaler`); empty lists while no autoscaler has run.',
    response: {
      status: 200,
      description: 'the scaling state',
      body: { name: 'ScalingReport', schema: scalingReportSchema },
    },
  },
];
