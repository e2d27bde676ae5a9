import {
  QUEUE_JOB_STATES,
  type AgentInfo,
  type CancelledRun,
  type CancelledTask,
  type DeadLetterEntry,
  type DeadLetterPage,
  type DiagnosticsReport,
  type EnqueuedTask,
  type RoutePreview,
  type StartedRun,
  type TaskView,
  type WorkflowRunView,
} from '@tta/core';
import { z } from 'zod';
import type { CapabilityOverview } from '../capability-overview';
import type { ErrorBody } from '../error-handler';
import type { WorkflowSummary } from '../routes/workflows';

// Each schema `satisfies` the type the route answers with, so a field that changes type or a
// required field that appears in the type fails the build until the document says so too.

const epochMs = z.number().int().describe('epoch milliseconds');
const labels = z.record(z.string(), z.string());
const usage = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number(),
});

/** The body of every error answer. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe('stable error code, e.g. `invalid_input`, `not_found`'),
    message: z.string().describe('what went wrong; for `invalid_input` it names the field'),
    details: z.unknown().optional().describe('e.g. `{ issues: [{ path, message }] }`'),
    requestId: z
      .string()
      .optional()
      .describe(
        'on `internal_error`: the request id (also in `X-Request-Id`) its log line carries',
      ),
  }),
}) satisfies z.ZodType<ErrorBody>;

/** `202` answer of an accepted task. */
export const enqueuedTaskSchema = z.object({
  id: z.string().describe('`<queue>~<uuid>`, or `<queue>~<shard>~<uuid>` past shard 0'),
  status: z.literal('queued'),
  capability: z.string(),
  queue: z.string(),
}) satisfies z.ZodType<EnqueuedTask>;

/** A task as `GET /v1/tasks/:id` reads it. */
export const taskViewSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'active', 'completed', 'failed', 'cancelled', 'dead']),
  capability: z.string(),
  queue: z.string(),
  input: z.record(z.string(), z.unknown()),
  sessionId: z.string().optional(),
  result: z.unknown().optional().describe('the capability output (status `completed`)'),
  error: z.object({ message: z.string() }).optional(),
  attempts: z.number().int(),
  agentId: z.string().optional(),
  progress: z.unknown().optional().describe('last reported progress: 0-100 or an object'),
  usage: usage.optional(),
  cancelledAt: epochMs.optional(),
  cancelReason: z.string().optional(),
  timings: z.object({
    enqueuedAt: epochMs,
    startedAt: epochMs.optional(),
    finishedAt: epochMs.optional(),
    waitMs: z.number().optional(),
    runMs: z.number().optional(),
  }),
}) satisfies z.ZodType<TaskView>;

/** `202` answer of a cancellation (task or run). */
export const cancelledSchema = z.object({
  id: z.string(),
  status: z.literal('cancelled'),
}) satisfies z.ZodType<CancelledTask & CancelledRun>;

/** `202` answer of an accepted workflow run. */
export const startedRunSchema = z.object({
  id: z.string().describe('`workflow~<uuid>`, or `workflow~<shard>~<uuid>` past shard 0'),
  status: z.literal('queued'),
  workflow: z.string(),
}) satisfies z.ZodType<StartedRun>;

const stepStatus = z.enum(['pending', 'running', 'completed', 'failed', 'skipped']);

/** A workflow run as `GET /v1/workflow-runs/:id` reads it. */
export const workflowRunSchema = z.object({
  id: z.string(),
  workflow: z.string(),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  sessionId: z.string().optional(),
  input: z.record(z.string(), z.unknown()),
  stage: z.string().optional(),
  steps: z.record(
    z.string(),
    z.object({
      status: stepStatus,
      capability: z.string(),
      taskId: z.string().optional(),
      output: z.unknown().optional(),
      error: z.string().optional(),
      agentId: z.string().optional(),
      usage: usage.optional(),
      startedAt: epochMs.optional(),
      finishedAt: epochMs.optional(),
    }),
  ),
  outcome: z.string().optional().describe('`completed`, or e.g. `crisis` for a run ended early'),
  result: z.record(z.string(), z.unknown()).optional(),
  errors: z.array(z.object({ step: z.string(), error: z.string() })).optional(),
  error: z.string().optional(),
  cancelledAt: epochMs.optional(),
  usage: usage.optional(),
  timings: z.object({
    enqueuedAt: epochMs,
    startedAt: epochMs.optional(),
    finishedAt: epochMs.optional(),
    totalMs: z.number().optional(),
  }),
}) satisfies z.ZodType<WorkflowRunView>;

/** A loaded workflow definition in outline. */
export const workflowSummarySchema = z.object({
  name: z.string(),
  description: z.string(),
  requiresSession: z.boolean(),
  input: z.record(z.string(), z.string()).describe('field name to type, `?` for optional'),
  stages: z.array(
    z.object({
      name: z.string(),
      steps: z.array(z.object({ id: z.string(), capability: z.string() })),
    }),
  ),
}) satisfies z.ZodType<WorkflowSummary>;

/** A live agent. */
export const agentSchema = z.object({
  id: z.string(),
  type: z.string(),
  capabilities: z.array(z.string()),
  labels,
  queues: z.array(z.string()),
  concurrency: z.number().int(),
  host: z.string(),
  pid: z.number().int(),
  version: z.string(),
  startedAt: epochMs,
  status: z.enum(['starting', 'ready', 'draining']),
  activeJobs: z.number().int(),
  lastHeartbeatAt: epochMs,
  heartbeatAgeMs: z.number(),
}) satisfies z.ZodType<AgentInfo>;

const queueDepth = z.object({
  waiting: z.number().int(),
  active: z.number().int(),
  delayed: z.number().int(),
  prioritized: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
});

/** A capability of the catalog with its live agents, capacity and queue depth. */
export const capabilitySchema = z.object({
  name: z.string(),
  agentType: z.string(),
  description: z.string(),
  queue: z.string(),
  liveAgents: z.number().int(),
  capacity: z.number().int(),
  depth: queueDepth,
  queues: z.array(
    z.object({
      queue: z.string(),
      labels,
      liveAgents: z.number().int(),
      capacity: z.number().int(),
      depth: queueDepth,
    }),
  ),
}) satisfies z.ZodType<CapabilityOverview>;

/** What the router would do with a task now, and why. */
export const routePreviewSchema = z.object({
  capability: z.string(),
  requirements: labels,
  chosen: z.object({ queue: z.string().nullable(), reason: z.string() }),
  candidates: z.array(
    z.object({
      queue: z.string(),
      labels,
      liveAgents: z.number().int(),
      capacity: z.number().int(),
      backlog: z.number().int(),
      eligible: z.boolean(),
      expectedWait: z.number().optional(),
      reason: z.string(),
    }),
  ),
}) satisfies z.ZodType<RoutePreview>;

/** A dead-lettered task. */
export const deadLetterEntrySchema = z.object({
  id: z.string(),
  capability: z.string(),
  queue: z.string(),
  task: z.object({
    capability: z.string(),
    input: z.record(z.string(), z.unknown()),
    sessionId: z.string().optional(),
    requirements: labels.optional(),
    timeoutMs: z.number().int(),
    enqueuedAt: epochMs,
    orderedAt: epochMs.optional(),
    idempotencyKey: z.string().optional(),
  }),
  error: z.object({ message: z.string(), stack: z.string().optional() }),
  attempts: z.number().int(),
  agentId: z.string().optional(),
  failedAt: epochMs,
  deadLetteredAt: epochMs,
}) satisfies z.ZodType<DeadLetterEntry>;

/** One page of the dead-letter queue. */
export const deadLetterPageSchema = z.object({
  entries: z.array(deadLetterEntrySchema),
  total: z.number().int(),
}) satisfies z.ZodType<DeadLetterPage>;

/** `{ status: 'ok' }` of the health routes. */
export const healthSchema = z.object({ status: z.literal('ok') });

/** `202` answer of `POST /v1/agents/:id/drain`. */
export const drainRequestedSchema = z.object({
  id: z.string(),
  status: z.literal('drain_requested'),
  reason: z.string(),
  requestedAt: epochMs,
});

/** `GET /v1/diagnostics`: the whole system at once. */
export const diagnosticsSchema = z.object({
  registry: z.object({
    agents: z.array(agentSchema),
    events: z.array(
      z.object({
        type: z.enum(['joined', 'left', 'dead']),
        agentId: z.string(),
        agentType: z.string(),
        at: epochMs,
        reason: z.string().optional(),
      }),
    ),
  }),
  queues: z
    .record(z.string(), z.record(z.enum(QUEUE_JOB_STATES), z.number().int()))
    .describe('job counts by state, by queue name'),
  supervisor: z.object({ leader: z.string().nullable() }),
  config: z.unknown().describe("the API's configuration, its secrets redacted"),
}) satisfies z.ZodType<DiagnosticsReport>;
