import { z } from 'zod';
import { epochMsSchema, inputRecordSchema, sessionIdSchema, usageSchema } from './common';

/** The body of `POST /v1/workflows/:name/runs`: `{ input, sessionId? }`. */
export const runRequestSchema = z
  .object({
    /** The run's input, checked against the workflow's `input` declaration. */
    input: inputRecordSchema.default({}),
    /** The player session the run belongs to; runs of one session are processed in order. */
    sessionId: sessionIdSchema.optional(),
  })
  .strict();

/** The body of `POST /v1/workflows/:name/runs` as a caller writes it. */
export type RunInput = z.input<typeof runRequestSchema>;

/** `202` answer of an accepted workflow run. */
export const startedRunSchema = z.object({
  id: z.string().describe('`workflow~<uuid>`, or `workflow~<shard>~<uuid>` past shard 0'),
  status: z.literal('queued'),
  workflow: z.string(),
});

/** The answer to a started run. */
export type StartedRun = z.output<typeof startedRunSchema>;

/** Statuses of a step of a run. */
export const STEP_STATUSES = ['pending', 'running', 'completed', 'failed', 'skipped'] as const;

/** Statuses of a run. */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/** Status of a run. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One step of a run as the API reports it. */
export const runStepSchema = z.object({
  status: z.enum(STEP_STATUSES),
  capability: z.string(),
  taskId: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
  agentId: z.string().optional(),
  usage: usageSchema.optional(),
  startedAt: epochMsSchema.optional(),
  finishedAt: epochMsSchema.optional(),
});

/** One step of a run as the API reports it. */
export type RunStepView = z.output<typeof runStepSchema>;

/** A workflow run as `GET /v1/workflow-runs/:id` reads it. */
export const workflowRunSchema = z.object({
  id: z.string(),
  workflow: z.string(),
  status: z.enum(RUN_STATUSES),
  sessionId: z.string().optional(),
  input: z.record(z.string(), z.unknown()),
  stage: z.string().optional(),
  steps: z.record(z.string(), runStepSchema),
  outcome: z.string().optional().describe('`completed`, or e.g. `crisis` for a run ended early'),
  result: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(z.object({ step: z.string(), error: z.string() })).optional(),
  error: z.string().optional(),
  cancelledAt: epochMsSchema.optional(),
  usage: usageSchema.optional(),
  timings: z.object({
    enqueuedAt: epochMsSchema,
    startedAt: epochMsSchema.optional(),
    finishedAt: epochMsSchema.optional(),
    totalMs: z.number().optional(),
  }),
});

/** A workflow run as the API reports it. */
export type WorkflowRunView = z.output<typeof workflowRunSchema>;

/** A loaded workflow definition in outline. */
export const workflowSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  requiresSession: z.boolean(),
  input: z.record(z.string(), z.string()).describe('field name to type, `?` for optional'),
  stages: z.array(
    z.object({
      name: z.string(),
      steps: z.array(z.object({ id: z.string(), capability: z.string() })),
    }),
  ),
});

/** What `GET /v1/workflows` tells of one workflow. */
export type WorkflowSummary = z.output<typeof workflowSummarySchema>;

/** The answer of `GET /v1/workflows`. */
export const workflowListSchema = z.object({ workflows: z.array(workflowSummarySchema) });
