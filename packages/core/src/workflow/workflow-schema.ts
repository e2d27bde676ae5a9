import { z } from 'zod';
import type {
  WorkflowCondition,
  WorkflowDefinition,
  WorkflowStage,
  WorkflowStep,
} from './workflow-types';

/** Step ids, stage names, workflow names and outcomes: `[a-z][a-z0-9-]*`. */
export const WORKFLOW_NAME = /^[a-z][a-z0-9-]*$/;

/** Types a workflow's input fields may have; a `?` suffix makes a field optional. */
export const WORKFLOW_INPUT_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;

/** Outcome of a run that went through all its stages; no stage may end a run with it. */
export const COMPLETED_OUTCOME = 'completed';

const name = z.string().regex(WORKFLOW_NAME, 'must match [a-z][a-z0-9-]*');

/** A dotted path into the run's state: `steps.safety.output.level`, `input.text`. */
const statePath = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a dotted path such as steps.x.output');

/** The zod schema of a {@link WorkflowCondition}. */
export const workflowConditionSchema: z.ZodType<WorkflowCondition> = z.lazy(() =>
  z.union([
    z.object({ path: statePath, equals: z.unknown() }).strict(),
    z.object({ path: statePath, notEquals: z.unknown() }).strict(),
    z.object({ path: statePath, in: z.array(z.unknown()) }).strict(),
    z.object({ path: statePath, exists: z.boolean() }).strict(),
    z.object({ all: z.array(workflowConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(workflowConditionSchema).min(1) }).strict(),
    z.object({ not: workflowConditionSchema }).strict(),
  ]),
);

const inputType = z
  .string()
  .regex(
    new RegExp(`^(${WORKFLOW_INPUT_TYPES.join('|')})\\??$`),
    `must be one of ${WORKFLOW_INPUT_TYPES.join(', ')} (with ? for optional)`,
  );

/** The zod schema of one step in a definition file. */
export const workflowStepSchema: z.ZodType<WorkflowStep, unknown> = z
  .object({
    id: name,
    capability: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
    when: workflowConditionSchema.optional(),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).max(99).optional(),
    onFailure: z.enum(['fail', 'continue', 'ignore']).default('fail'),
  })
  .strict();

/** The zod schema of one stage in a definition file. */
export const workflowStageSchema: z.ZodType<WorkflowStage, unknown> = z
  .object({
    name,
    steps: z.array(workflowStepSchema).min(1),
    endRunWhen: workflowConditionSchema.optional(),
    endOutcome: name
      .refine((v) => v !== COMPLETED_OUTCOME, `'${COMPLETED_OUTCOME}' is reserved`)
      .optional(),
  })
  .strict();

/**
 * The zod schema of a definition file (YAML or JSON). The workflow's name is not in the file:
 * it is the file's name without extension.
 */
export const workflowFileSchema = z
  .object({
    description: z.string().default(''),
    requiresSession: z.boolean().default(false),
    input: z.record(name, inputType).default({}),
    stages: z.array(workflowStageSchema).min(1),
    result: z.record(z.string(), z.unknown()),
  })
  .strict();

/** A definition file as validated by {@link workflowFileSchema}. */
export type WorkflowFile = Omit<WorkflowDefinition, 'name'>;
