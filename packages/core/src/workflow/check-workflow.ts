import { z } from 'zod';
import type { CapabilityCatalog } from '../capabilities/capability-catalog';
import { isPickRule, isPickTemplate } from './evaluate';
import type {
  WorkflowCondition,
  WorkflowDefinition,
  WorkflowStage,
  WorkflowStep,
} from './workflow-types';

/** Where in a definition a problem is (`['stages', 1, 'steps', 0, 'input', 'text']`) and what it is. */
export interface WorkflowProblem {
  /** Where: the path of the offending value in the definition. */
  path: Array<string | number>;
  /** What is wrong with it. */
  message: string;
}

/** Fields of a step record a reference may name after `steps.<id>`. */
const STEP_RECORD_FIELDS = new Set([
  'status',
  'capability',
  'taskId',
  'output',
  'error',
  'agentId',
  'usage',
  'startedAt',
  'finishedAt',
]);

const PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Which steps a reference may name, and what input fields exist. */
interface Scope {
  definition: WorkflowDefinition;
  /** Ids of the steps a reference may name here. */
  steps: ReadonlySet<string>;
  /** Why other step ids may not be named here: "is not in an earlier stage". */
  outOfScope: string;
}

/**
 * Checks what the schema cannot: capabilities against the catalog, unique step ids and stage
 * names, references (`$steps.x` only to steps of earlier stages, `$input.f` only to declared
 * fields), `$pick` rules, `endRunWhen` with `endOutcome`, sessions. Returns the first problem.
 */
export function checkWorkflow(
  definition: WorkflowDefinition,
  catalog: CapabilityCatalog,
): WorkflowProblem | undefined {
  const earlier = new Set<string>();
  const stageNames = new Set<string>();
  for (const [s, stage] of definition.stages.entries()) {
    const at = ['stages', s];
    if (stageNames.has(stage.name))
      return { path: at, message: `duplicate stage name '${stage.name}'` };
    stageNames.add(stage.name);
    const problem =
      checkStageSteps(stage, at, definition, catalog, earlier) ?? checkStageEnd(stage, at);
    if (problem) return problem;
    for (const step of stage.steps) earlier.add(step.id);
    if (stage.endRunWhen) {
      const scope = {
        definition,
        steps: earlier,
        outOfScope: 'is not in this or an earlier stage',
      };
      const end = checkCondition(stage.endRunWhen, scope, [...at, 'endRunWhen']);
      if (end) return end;
    }
  }
  const scope = { definition, steps: earlier, outOfScope: 'is not a step of the workflow' };
  return checkTemplate(definition.result, scope, ['result']);
}

function checkStageSteps(
  stage: WorkflowStage,
  at: Array<string | number>,
  definition: WorkflowDefinition,
  catalog: CapabilityCatalog,
  earlier: ReadonlySet<string>,
): WorkflowProblem | undefined {
  const scope = { definition, steps: earlier, outOfScope: 'is not in an earlier stage' };
  const seen = new Set<string>();
  for (const [i, step] of stage.steps.entries()) {
    const stepAt = [...at, 'steps', i];
    if (earlier.has(step.id) || seen.has(step.id)) {
      return { path: stepAt, message: `duplicate step id '${step.id}'` };
    }
    seen.add(step.id);
    const problem =
      checkCapability(step, stepAt, definition, catalog) ??
      checkTemplate(step.input, scope, [...stepAt, 'input']) ??
      (step.when && checkCondition(step.when, scope, [...stepAt, 'when']));
    if (problem) return problem;
  }
  return undefined;
}

function checkStageEnd(
  stage: WorkflowStage,
  at: Array<string | number>,
): WorkflowProblem | undefined {
  if (stage.endRunWhen && stage.endOutcome === undefined) {
    return { path: [...at, 'endOutcome'], message: 'is required with endRunWhen' };
  }
  if (!stage.endRunWhen && stage.endOutcome !== undefined) {
    return { path: [...at, 'endRunWhen'], message: 'is required with endOutcome' };
  }
  return undefined;
}

function checkCapability(
  step: WorkflowStep,
  at: Array<string | number>,
  definition: WorkflowDefinition,
  catalog: CapabilityCatalog,
): WorkflowProblem | undefined {
  if (!catalog.has(step.capability)) {
    return { path: at, message: `capability '${step.capability}' is not in the catalog` };
  }
  const schemas = catalog.get(step.capability).schemas;
  if (schemas?.requiresSession && !definition.requiresSession) {
    return {
      path: at,
      message: `capability '${step.capability}' needs a session: set requiresSession: true`,
    };
  }
  if (schemas?.input instanceof z.ZodObject) {
    const fields = Object.keys(schemas.input.shape);
    const unknown = Object.keys(step.input).find((key) => !fields.includes(key));
    if (unknown !== undefined) {
      return {
        path: [...at, 'input', unknown],
        message: `is not an input field of '${step.capability}' (${fields.join(', ')})`,
      };
    }
  }
  return undefined;
}

function checkCondition(
  condition: WorkflowCondition,
  scope: Scope,
  at: Array<string | number>,
): WorkflowProblem | undefined {
  if ('all' in condition || 'any' in condition) {
    const key = 'all' in condition ? 'all' : 'any';
    const list = 'all' in condition ? condition.all : condition.any;
    for (const [i, c] of list.entries()) {
      const problem = checkCondition(c, scope, [...at, key, i]);
      if (problem) return problem;
    }
    return undefined;
  }
  if ('not' in condition) return checkCondition(condition.not, scope, [...at, 'not']);
  return checkPath(condition.path, scope, [...at, 'path'], condition.path);
}

function checkTemplate(
  template: unknown,
  scope: Scope,
  at: Array<string | number>,
): WorkflowProblem | undefined {
  if (typeof template === 'string') {
    if (!template.startsWith('$') || template.startsWith('$$')) return undefined;
    return checkPath(template.slice(1), scope, at, template);
  }
  if (isPickTemplate(template)) {
    const pickAt = [...at, '$pick'];
    if (!isPickRule(template.$pick.by)) {
      return { path: [...pickAt, 'by'], message: `'${template.$pick.by}' is not a pick rule` };
    }
    if (template.$pick.from.length === 0) return { path: [...pickAt, 'from'], message: 'is empty' };
    return checkTemplate(template.$pick.from, scope, [...pickAt, 'from']);
  }
  if (typeof template === 'object' && template !== null) {
    if (!Array.isArray(template) && '$pick' in template) {
      return { path: [...at, '$pick'], message: 'must be { from: [...], by: <rule> } alone' };
    }
    for (const [key, value] of Object.entries(template)) {
      const problem = checkTemplate(value, scope, [
        ...at,
        Array.isArray(template) ? Number(key) : key,
      ]);
      if (problem) return problem;
    }
  }
  return undefined;
}

function checkPath(
  path: string,
  scope: Scope,
  at: Array<string | number>,
  shown: string,
): WorkflowProblem | undefined {
  const problem = (message: string) => ({ path: at, message: `'${shown}' ${message}` });
  if (!PATH.test(path)) return problem('is not a dotted path');
  const [root, first, second] = path.split('.');
  if (root === 'sessionId' || root === 'safety') return undefined;
  if (root === 'input') {
    if (first === undefined || Object.hasOwn(scope.definition.input, first)) return undefined;
    return problem(`refers to input field '${first}', which the workflow's input does not declare`);
  }
  if (root !== 'steps') return problem('must start with input, sessionId, safety or steps');
  if (first === undefined) return problem('must name a step: steps.<id>');
  if (!scope.steps.has(first))
    return problem(`refers to step '${first}', which ${scope.outOfScope}`);
  if (second !== undefined && !STEP_RECORD_FIELDS.has(second)) {
    return problem(
      `names '${second}', which a step record does not have (${[...STEP_RECORD_FIELDS].join(', ')})`,
    );
  }
  return undefined;
}
