/**
 * Workflows: their definitions, runs, and the engine that drives a run stage by stage.
 */
export { loadWorkflows, type LoadWorkflowsOptions } from './load-workflows';
export { StageTasks, type StageTasksOptions } from './stage-tasks';
export { WorkflowCanceller, type WorkflowCancellerOptions } from './workflow-canceller';
export { WorkflowEngine, type WorkflowEngineState } from './workflow-engine';
export type { WorkflowEngineOptions } from './workflow-engine-options';
export {
  type CancelledRun,
  type StartedRun,
  WorkflowRuns,
  type WorkflowRunsOptions,
} from './workflow-runs';
export type {
  StepFailurePolicy,
  StepRecord,
  WorkflowDefinition,
  WorkflowRunData,
  WorkflowRunResult,
  WorkflowRunStatus,
  WorkflowRunView,
  WorkflowStage,
} from './workflow-types';
