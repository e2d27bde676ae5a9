import type { Usage } from './task-types';

/** The body of `POST /v1/workflows/:name/runs`. */
export interface WorkflowRunInput {
  /** The run's input, as the workflow's `input` declaration says. */
  input: Record<string, unknown>;
  /** The player session; required by workflows that run in session order. */
  sessionId?: string;
}

/** The answer to an accepted workflow run. */
export interface StartedRun {
  /** The run id: `workflow~<uuid>`, or `workflow~<shard>~<uuid>` past shard 0. */
  id: string;
  /** Always `queued`: the run's job is stored in Redis. */
  status: 'queued';
  /** The workflow's name. */
  workflow: string;
}

/** Status of a workflow step. */
export type WorkflowStepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

/** What a workflow run records of one of its steps. */
export interface WorkflowRunStep {
  /** Where the step is. */
  status: WorkflowStepStatus;
  /** The capability it runs. */
  capability: string;
  /** The step's task id (readable with `TtaClient.task`). */
  taskId?: string;
  /** The step task's output. */
  output?: unknown;
  /** Why it failed. */
  error?: string;
  /** The agent that ran it. */
  agentId?: string;
  /** Its token usage and cost. */
  usage?: Usage;
  /** Epoch ms when it started. */
  startedAt?: number;
  /** Epoch ms when it finished. */
  finishedAt?: number;
}

/** Status of a workflow run. */
export type WorkflowRunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A workflow run as the API reports it (`GET /v1/workflow-runs/:id`). */
export interface WorkflowRun {
  /** The run id. */
  id: string;
  /** The workflow's name. */
  workflow: string;
  /** Where it is. */
  status: WorkflowRunStatus;
  /** Its player session. */
  sessionId?: string;
  /** Its input. */
  input: Record<string, unknown>;
  /** Name of the current (or last) stage. */
  stage?: string;
  /** Its steps, by step id. */
  steps: Record<string, WorkflowRunStep>;
  /** `completed`, or the outcome of the stage that ended the run early (e.g. `crisis`). */
  outcome?: string;
  /** The workflow's result (`{ narrative, world, intent, safety }` for `player-turn`). */
  result?: Record<string, unknown>;
  /** Steps that failed under the `continue` policy. */
  errors?: Array<{ step: string; error: string }>;
  /** Why the run failed, or why it was cancelled. */
  error?: string;
  /** Epoch ms when it was cancelled (status `cancelled`). */
  cancelledAt?: number;
  /** Token usage and cost of its steps. */
  usage?: Usage;
  /** Epoch ms when it was accepted, started and finished, and its total time. */
  timings: { enqueuedAt: number; startedAt?: number; finishedAt?: number; totalMs?: number };
}

/** A loaded workflow definition, in outline (`GET /v1/workflows`). */
export interface WorkflowSummary {
  /** The workflow's name. */
  name: string;
  /** What a run of it does. */
  description: string;
  /** Whether a run needs a `sessionId`. */
  requiresSession: boolean;
  /** The run's input declaration: field name to type, `?` for optional. */
  input: Record<string, string>;
  /** Its stages in order, each with its steps (run in parallel) and their capabilities. */
  stages: Array<{ name: string; steps: Array<{ id: string; capability: string }> }>;
}
