import type { RunSafety } from '../safety/run-safety';
import type { TaskUsage } from '../costs/task-usage';

/**
 * A condition on the run's state, evaluated against `{ input, sessionId, steps }` where
 * `steps.<id>` is `{ status, output, error }`. Structured, so definitions never run code.
 */
export type WorkflowCondition =
  | { path: string; equals: unknown }
  | { path: string; notEquals: unknown }
  | { path: string; in: unknown[] }
  | { path: string; exists: boolean }
  | { all: WorkflowCondition[] }
  | { any: WorkflowCondition[] }
  | { not: WorkflowCondition };

/** What happens to the run when a step fails after its retries. */
export type StepFailurePolicy =
  /** The run fails at once. */
  | 'fail'
  /** The run goes on; the failure is recorded in the step and the result. */
  | 'continue'
  /** The run goes on as if the step had been skipped; nothing is recorded but its status. */
  | 'ignore';

/** One step: a task of a capability, run in parallel with the other steps of its stage. */
export interface WorkflowStep {
  /** Unique in the workflow: `[a-z][a-z0-9-]*`. Later steps refer to it as `steps.<id>`. */
  id: string;
  capability: string;
  /**
   * The task's input. Any string value that starts with `$` is a reference to a value of the
   * run's state (`$input.text`, `$steps.parse.output.intent`); everything else is literal.
   */
  input: Record<string, unknown>;
  /** Run the step only when this holds; otherwise it is `skipped`. */
  when?: WorkflowCondition;
  /** Handler timeout of the step's task. Default: the capability's. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default: the capability's attempts - 1. */
  retries?: number;
  /** Default: `fail`. */
  onFailure: StepFailurePolicy;
}

/** A stage: its steps run in parallel; stages run in order. */
export interface WorkflowStage {
  /** Unique in the workflow. */
  name: string;
  steps: WorkflowStep[];
  /**
   * Checked after the stage: when it holds, the run ends here with `outcome` (e.g. the
   * player-turn safety gate ends a crisis turn before any other agent sees the input).
   */
  endRunWhen?: WorkflowCondition;
  /** The outcome the run ends with when `endRunWhen` holds. */
  endOutcome?: string;
}

/** A validated workflow definition. */
export interface WorkflowDefinition {
  /** `[a-z][a-z0-9-]*`; the file's name without extension. */
  name: string;
  description: string;
  /** Whether a run needs a `sessionId`; runs of one session are then processed in order. */
  requiresSession: boolean;
  /** The run's input schema, as field name to type (`string`, `number`, `boolean`, `object`), `?` suffix for optional. */
  input: Record<string, string>;
  stages: WorkflowStage[];
  /**
   * The run's result: like a step input, `$` strings refer to the run's state; `{ $pick: {
   * from: [refs...], by: '<rule>' } }` picks one value by a rule (see `pickBy`).
   */
  result: Record<string, unknown>;
}

/**
 * What conditions and references of a run see: its input, its session and the records of its
 * steps so far (`steps.<id>.output`, `steps.<id>.status`...).
 */
export interface RunState {
  /** The run's input. */
  input: Record<string, unknown>;
  /** The run's session, when it has one. */
  sessionId?: string;
  /** The records of the run's steps so far, by step id. */
  steps: Record<string, StepRecord>;
  /** The run's safety after its screen (`$safety`): see `RunSafety`. */
  safety?: RunSafety;
}

/** Status of a step of a run. */
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

/** What a run records of one step. */
export interface StepRecord {
  status: StepStatus;
  capability: string;
  /** The step's task id (readable at `/v1/tasks/:id`). */
  taskId?: string;
  output?: unknown;
  error?: string;
  agentId?: string;
  usage?: TaskUsage;
  startedAt?: number;
  finishedAt?: number;
}

/** Where a run is: which stage, and whether its tasks were added. Lives in the job's data. */
export interface WorkflowCursor {
  stage: number;
  /** `start`: the stage's tasks are still to be added; `waiting`: they were added. */
  phase: 'start' | 'waiting';
  /** Epoch ms when the stage's tasks were added (phase `waiting`): its steps' times start here. */
  stageStartedAt?: number;
}

/** The data of a run's parent job in the `workflow` queue. */
export interface WorkflowRunData {
  workflow: string;
  input: Record<string, unknown>;
  sessionId?: string;
  /** The owner of the API key that started it; its step tasks are that owner's too. */
  owner?: string;
  /** Epoch ms when the API accepted the run. */
  enqueuedAt: number;
  /** Present on runs of a session: when the run joined its session's order (see SessionOrder). */
  orderedAt?: number;
  /** Epoch ms when the engine first took the run up. */
  startedAt?: number;
  cursor: WorkflowCursor;
  steps: Record<string, StepRecord>;
  /** The run's safety once its screen answered (see `SafetyGate`). */
  safety?: RunSafety;
  /**
   * Set on a run accepted while Redis was short of memory: it ends after its safety screen,
   * with the crisis response on a crisis and outcome `capacity` otherwise.
   */
  screenOnly?: boolean;
}

/** Status of a run. */
export type WorkflowRunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A step that failed under the `continue` policy, as the run's result records it. */
export interface WorkflowStepError {
  step: string;
  error: string;
}

/** The return value of a finished run's parent job. */
export interface WorkflowRunResult {
  /** `completed`, or the `endOutcome` of the stage that ended the run early (e.g. `crisis`). */
  outcome: string;
  result: Record<string, unknown>;
  /** Steps that failed under the `continue` policy (not those under `ignore`). */
  errors: WorkflowStepError[];
  steps: Record<string, StepRecord>;
  usage: TaskUsage;
  timings: { enqueuedAt: number; startedAt: number; finishedAt: number; totalMs: number };
}

/** A run as the API reports it. */
export interface WorkflowRunView {
  id: string;
  workflow: string;
  status: WorkflowRunStatus;
  sessionId?: string;
  input: Record<string, unknown>;
  /** Name of the current (or last) stage. */
  stage?: string;
  steps: Record<string, StepRecord>;
  outcome?: string;
  result?: Record<string, unknown>;
  /** Steps that failed under the `continue` policy (completed runs). */
  errors?: WorkflowStepError[];
  /** Why the run failed, or why it was cancelled. */
  error?: string;
  /** Epoch ms when the run was cancelled (status `cancelled`). */
  cancelledAt?: number;
  usage?: TaskUsage;
  timings: { enqueuedAt: number; startedAt?: number; finishedAt?: number; totalMs?: number };
}

/** Progress a run reports on its parent job (and so on its event stream) as it moves. */
export type WorkflowProgress =
  | { type: 'stage'; stage: string; index: number }
  | { type: 'step'; step: string; status: StepStatus; taskId?: string };
