import { createScopeOf, readScopeOf } from '../access/api-caller';
import { cancelQuerySchema, type WorkflowSummary } from '@tta/contracts';
import type { OperationHandlers } from './operation-handlers';
import {
  parseOrThrow,
  type WorkflowCanceller,
  type WorkflowDefinition,
  type WorkflowRuns,
} from '@tta/core';

/** Options of {@link workflowHandlers}. */
export interface WorkflowRoutesOptions {
  /** The loaded workflow definitions, by name. */
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  /** Starts and reads runs. */
  workflowRuns: WorkflowRuns;
  /** Cancels runs and their running steps. */
  workflowCanceller: WorkflowCanceller;
}

/**
 * `GET /v1/workflows` (the loaded definitions), `POST /v1/workflows/:name/runs` (body
 * `{ input, sessionId? }`: 202 `{ id, status: 'queued', workflow }` once the run's job is in
 * Redis; 422 `unknown_workflow`, 400 `invalid_input` naming the field, before anything reaches
 * Redis), `GET /v1/workflow-runs/:id` and `DELETE /v1/workflow-runs/:id` (optional `?reason=`:
 * 202 `{ id, status: 'cancelled' }`, the same on a repeat; 409 `task_finished` once the run
 * completed or failed).
 */
export function workflowHandlers(
  options: WorkflowRoutesOptions,
): OperationHandlers<
  'listWorkflows' | 'startWorkflowRun' | 'getWorkflowRun' | 'cancelWorkflowRun'
> {
  return {
    listWorkflows: (_req, res) => {
      res.json({ workflows: [...options.workflows.values()].map(workflowSummary) });
    },
    startWorkflowRun: async (req, res) => {
      res
        .status(202)
        .json(await options.workflowRuns.start(req.params.name, req.body, createScopeOf(req)));
    },
    getWorkflowRun: async (req, res) => {
      res.json(await options.workflowRuns.get(req.params.id, readScopeOf(req)));
    },
    cancelWorkflowRun: async (req, res) => {
      const { reason } = parseOrThrow(cancelQuerySchema, req.query);
      const answer = await options.workflowCanceller.cancel(req.params.id, {
        ...readScopeOf(req),
        ...(reason !== undefined && { reason }),
      });
      res.status(202).json(answer);
    },
  };
}

/** The outline of a definition: its stages and their steps' capabilities. */
export function workflowSummary(definition: WorkflowDefinition): WorkflowSummary {
  return {
    name: definition.name,
    description: definition.description,
    requiresSession: definition.requiresSession,
    input: definition.input,
    stages: definition.stages.map((stage) => ({
      name: stage.name,
      steps: stage.steps.map((step) => ({ id: step.id, capability: step.capability })),
    })),
  };
}
