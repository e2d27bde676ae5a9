import type { ApiOperation } from '../operation';
import { cancelledSchema, cancelQuerySchema } from '../schemas/tasks';
import {
  runRequestSchema,
  startedRunSchema,
  workflowListSchema,
  workflowRunSchema,
} from '../schemas/workflows';

const RUN_ID =
  'the run id, `workflow~<uuid>` (`workflow~<shard>~<uuid>` past shard 0) as `POST /v1/workflows/{name}/runs` answered it';

/** The workflow and workflow-run routes. */
export const WORKFLOW_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/workflows',
    scope: 'tasks:read',
    operationId: 'listWorkflows',
    tag: 'workflows',
    summary: 'List the loaded workflow definitions with their stages and steps',
    readsRedis: false,
    response: {
      status: 200,
      description: 'the workflows',
      body: {
        name: 'WorkflowList',
        schema: workflowListSchema,
      },
    },
  },
  {
    method: 'POST',
    path: '/v1/workflows/:name/runs',
    scope: 'tasks:write',
    operationId: 'startWorkflowRun',
    tag: 'workflows',
    summary: 'Start a run of a workflow',
    description:
      "The input is checked against the workflow's input declaration (see `GET /v1/workflows`) and the first steps' capabilities before anything reaches Redis. While Redis is short of memory, a run of a workflow without a safety screen is refused with 503 `capacity`; one with a screen (a player turn) is taken, runs its screen only and ends with the crisis response or with outcome `capacity`.",
    pathParams: { name: "the workflow's name, e.g. `player-turn`" },
    body: { name: 'WorkflowRunRequest', schema: runRequestSchema },
    response: {
      status: 202,
      description: 'the run is queued',
      body: { name: 'StartedRun', schema: startedRunSchema },
    },
    errors: [422],
  },
  {
    method: 'GET',
    path: '/v1/workflow-runs/:id',
    scope: 'tasks:read',
    operationId: 'getWorkflowRun',
    tag: 'workflows',
    summary: 'Read a workflow run: status, stage, steps, outcome, result',
    pathParams: { id: RUN_ID },
    response: {
      status: 200,
      description: 'the run',
      body: { name: 'WorkflowRun', schema: workflowRunSchema },
    },
  },
  {
    method: 'DELETE',
    path: '/v1/workflow-runs/:id',
    scope: 'tasks:write',
    operationId: 'cancelWorkflowRun',
    tag: 'workflows',
    summary: 'Cancel a workflow run and its running steps',
    pathParams: { id: RUN_ID },
    query: cancelQuerySchema,
    response: {
      status: 202,
      description: 'cancelled (the same answer on a repeat)',
      body: { name: 'Cancelled', schema: cancelledSchema },
    },
    errors: [409],
  },
  {
    method: 'GET',
    path: '/v1/workflow-runs/:id/events',
    scope: 'tasks:read',
    operationId: 'streamWorkflowRunEvents',
    tag: 'workflows',
    summary: 'Follow a workflow run as server-sent events',
    description:
      'Events: `snapshot` (the run), `active` (once), `stage` (`{ type, stage, index }`), `step` (`{ type, step, status, taskId? }`), then one final `completed`, `failed` or `cancelled` (the run). The stream ends after the final event.',
    pathParams: { id: RUN_ID },
    response: { status: 200, description: 'the event stream', contentType: 'text/event-stream' },
  },
] as const satisfies readonly ApiOperation[];
