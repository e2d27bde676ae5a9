import { CAPACITY_OUTCOME } from '@tta/contracts';
import type { CrisisResource } from '../config/crisis-resources';
import type { TaskUsage } from '../costs/task-usage';
import { SCREEN_UNAVAILABLE_OUTCOME } from '../safety/run-safety';
import { resolveValue } from './evaluate';
import type {
  RunState,
  StepRecord,
  WorkflowDefinition,
  WorkflowRunData,
  WorkflowRunResult,
  WorkflowStepError,
} from './workflow-types';

/** The outcome of a run that ended on the safety gate. */
export const CRISIS_OUTCOME = 'crisis';

/** What a turn that ends with outcome `capacity` (screened, no crisis, Redis short of memory) tells the player. */
export const CAPACITY_MESSAGE =
  'The story pauses for a moment while the game catches its breath. Please try again shortly.';

/** What a run that ends with outcome `crisis` answers instead of its workflow's result. */
export interface CrisisResponse {
  /** The supportive message the player reads (config `safety.crisisMessage`). */
  message: string;
  /** Where the player can turn (config `safety.crisisResources`). */
  resources: readonly CrisisResource[];
}

/** The state conditions and references of a run see. */
export function runStateOf(data: WorkflowRunData): RunState {
  const state: RunState = { input: data.input, steps: data.steps };
  if (data.sessionId !== undefined) state.sessionId = data.sessionId;
  if (data.safety !== undefined) state.safety = data.safety;
  return state;
}

/** The token usage and cost of a run: the sum over its steps. */
export function sumUsage(steps: Record<string, StepRecord>): TaskUsage {
  const total: TaskUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  for (const record of Object.values(steps)) {
    if (!record.usage) continue;
    total.inputTokens += record.usage.inputTokens;
    total.outputTokens += record.usage.outputTokens;
    total.costUsd += record.usage.costUsd;
  }
  return total;
}

/** The failed steps whose policy is `continue`, in definition order. */
export function continuedErrors(
  definition: WorkflowDefinition,
  steps: Record<string, StepRecord>,
): WorkflowStepError[] {
  return definition.stages.flatMap((stage) =>
    stage.steps.flatMap((step) => {
      const record = steps[step.id];
      if (step.onFailure !== 'continue' || record?.status !== 'failed') return [];
      return [{ step: step.id, error: record.error ?? 'failed' }];
    }),
  );
}

/**
 * The output of the run's safety screen that ended it: the first `safety.screen` step whose
 * level is `crisis`, else the first screen at all.
 */
export function crisisScreen(steps: Record<string, StepRecord>): Record<string, unknown> {
  const screens = Object.values(steps)
    .filter((r) => r.capability === 'safety.screen' && r.status === 'completed')
    .map((r) => (r.output ?? {}) as Record<string, unknown>);
  return screens.find((s) => s.level === CRISIS_OUTCOME) ?? screens[0] ?? {};
}

function resultOf(
  definition: WorkflowDefinition,
  data: WorkflowRunData,
  outcome: string,
  crisis: CrisisResponse,
): Record<string, unknown> {
  if (outcome === CRISIS_OUTCOME || outcome === SCREEN_UNAVAILABLE_OUTCOME) {
    return {
      narrative: crisis.message,
      resources: crisis.resources.map((r) => ({ ...r })),
      safety: data.safety ?? crisisScreen(data.steps),
      outcome,
    };
  }
  if (outcome === CAPACITY_OUTCOME) {
    const resources = data.safety?.resources;
    return {
      narrative: CAPACITY_MESSAGE,
      ...(resources && { resources: resources.map((r) => ({ ...r })) }),
      ...(data.safety && { safety: data.safety }),
      outcome,
    };
  }
  return resolveValue(definition.result, runStateOf(data)) as Record<string, unknown>;
}

/**
 * The return value of a run that ended with `outcome`: the workflow's result resolved against
 * the run's state, or the crisis response (`{ narrative, resources, safety, outcome }`) when
 * the run ended on a crisis or failed closed (`screen_unavailable`), or a short note (with the
 * screen's findings) for a turn that only ran its screen (`capacity`). A turn that carries the
 * AI disclosure has it as `disclosure`.
 */
export function runResult(
  definition: WorkflowDefinition,
  data: WorkflowRunData,
  outcome: string,
  crisis: CrisisResponse,
): WorkflowRunResult {
  const finishedAt = Date.now();
  const startedAt = data.startedAt ?? finishedAt;
  const result = resultOf(definition, data, outcome, crisis);
  if (data.safety?.disclosure !== undefined) result.disclosure = data.safety.disclosure;
  return {
    outcome,
    result,
    errors: continuedErrors(definition, data.steps),
    steps: data.steps,
    usage: sumUsage(data.steps),
    timings: {
      enqueuedAt: data.enqueuedAt,
      startedAt,
      finishedAt,
      totalMs: finishedAt - data.enqueuedAt,
    },
  };
}
