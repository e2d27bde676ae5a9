import {
  parseOrThrow,
  type WorkflowCanceller,
  type WorkflowDefinition,
  type WorkflowRuns,
} from '@tta/core';
import { Router } from 'express';
import { cancelQuerySchema } from '../cancel-query';

/** Options of {@link workflowRoutes}. */
export interface WorkflowRoutesOptions {
  /** The loaded workflow definitions, by name. */
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  /** Starts and reads runs. */
  workflowRuns: WorkflowRuns;
  /** Cancels runs and their running steps. */
  workflowCanceller: WorkflowCanceller;
}

/** What `GET /v1/workflows` tells of one workflow. */
export interface WorkflowSummary {
  /** The workflow's name, as `POST /v1/workflows/:name/runs` takes it. */
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

/**
 * `GET /v1/workflows` (the loaded definitions), `POST /v1/workflows/:name/runs` (body
 * `{ input, sessionId? }`: 202 `{ id, status: 'queued', workflow }` once the run's job is in
 * Redis; 422 `unknown_workflow`, 400 `invalid_input` naming the field, before anything reaches
 * Redis), `GET /v1/workflow-runs/:id` and `DELETE /v1/workflow-runs/:id` (optional `?reason=`:
 * 202 `{ id, status: 'cancelled' }`, the same on a repeat; 409 `task_finished` once the run
 * completed or failed).
 */
export function workflowRoutes(options: WorkflowRoutesOptions): Router {
  const router = Router();
  router.get('/v1/workflows', (_req, res) => {
    res.json({ workflows: [...options.workflows.values()].map(workflowSummary) });
  });
  router.post('/v1/workflows/:name/runs', async (req, res) => {
    res.status(202).json(await options.workflowRuns.start(req.params.name, req.body));
  });
  router.get('/v1/workflow-runs/:id', async (req, res) => {
    res.json(await options.workflowRuns.get(req.params.id));
  });
  router.delete('/v1/workflow-runs/:id', async (req, res) => {
    const { reason } = parseOrThrow(cancelQuerySchema, req.query);
    const answer = await options.workflowCanceller.cancel(
      req.params.id,
      reason === undefined ? {} : { reason },
    );
    res.status(202).json(answer);
  });
  return router;
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
