import { runRequestSchema } from '@tta/contracts';
import { z } from 'zod';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { ValidationError, type FieldIssue } from '../errors/validation-error';
import { parseOrThrow, toFieldIssues } from '../errors/zod-issues';
import { resolveValue } from './evaluate';
import type { WorkflowDefinition, WorkflowStep } from './workflow-types';

/** A validated request to start a run. */
export interface RunRequest {
  /** The run's input, as the workflow declares it. */
  input: Record<string, unknown>;
  /** The player session of the run. */
  sessionId?: string;
}

const FIELD_TYPES: Record<string, () => z.ZodType> = {
  string: () => z.string(),
  number: () => z.number(),
  boolean: () => z.boolean(),
  object: () => z.record(z.string(), z.unknown()),
  array: () => z.array(z.unknown()),
};

/** The zod schema of a workflow's input declaration (`{ text: 'string', mood: 'string?' }`). */
export function runInputSchema(definition: WorkflowDefinition): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, declared] of Object.entries(definition.input)) {
    const optional = declared.endsWith('?');
    const make = FIELD_TYPES[optional ? declared.slice(0, -1) : declared] ?? (() => z.unknown());
    shape[field] = optional ? make().optional() : make();
  }
  return z.object(shape).strict();
}

/**
 * Validates the body of a run request without touching Redis: the body's shape, the input
 * against the workflow's declaration, the session when the workflow requires one, and the
 * inputs of the first stage's steps against their capabilities' schemas (so `text: '   '`
 * is refused here, not by a task later). Throws {@link ValidationError} naming the field.
 */
export function parseRunRequest(
  definition: WorkflowDefinition,
  body: unknown,
  catalog: CapabilityCatalog,
): RunRequest {
  const request = parseOrThrow(runRequestSchema, body);
  const input = parseOrThrow(runInputSchema(definition), request.input, 'input');
  if (definition.requiresSession && request.sessionId === undefined) {
    throw new ValidationError([
      { path: 'sessionId', message: `required by workflow '${definition.name}'` },
    ]);
  }
  const run: RunRequest = { input };
  if (request.sessionId !== undefined) run.sessionId = request.sessionId;
  const first = definition.stages[0]?.steps ?? [];
  for (const step of first) {
    if (step.when === undefined) checkFirstStepInput(step, run, catalog);
  }
  return run;
}

// A step input field that is exactly `$input.<f>` reports its problems as `input.<f>`.
function checkFirstStepInput(
  step: WorkflowStep,
  run: RunRequest,
  catalog: CapabilityCatalog,
): void {
  const schema = catalog.get(step.capability).schemas?.input;
  if (!schema) return;
  const resolved = resolveValue(step.input, { ...run, steps: {} });
  const parsed = schema.safeParse(resolved);
  if (parsed.success) return;
  const issues = toFieldIssues(parsed.error).map((issue): FieldIssue => {
    const [field] = issue.path.split('.');
    const template = field === undefined ? undefined : step.input[field];
    if (typeof template === 'string' && /^\$input\.[^.]+$/.test(template)) {
      return { path: template.slice(1), message: issue.message };
    }
    return { path: 'input', message: `step '${step.id}': ${issue.path}: ${issue.message}` };
  });
  throw new ValidationError(issues);
}
