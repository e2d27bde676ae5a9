import { readScopeOf } from '../access/api-caller';
import type { OperationHandlers } from './operation-handlers';
import {
  NotFoundError,
  RedisUnavailableError,
  TaskId,
  type JobEvent,
  type JobEventStream,
  type Logger,
  type QueueNames,
  type WorkflowRunResult,
  type WorkflowRunView,
  type WorkflowRuns,
  type RedisClient,
} from '@tta/core';
import { followJob, type JobEventTranslation, type SseEvent } from '../http/follow-job';

/** Options of {@link workflowRunEventHandlers}. */
export interface WorkflowRunEventRoutesOptions {
  /** Reads runs (the snapshot, and the final state). */
  workflowRuns: WorkflowRuns;
  /** Names the `workflow` queue, where runs' parent jobs live. */
  names: QueueNames;
  /** Where the events of the runs' parent jobs come from. */
  events: JobEventStream;
  /** The producer connection; a stream is refused with 503 while it is down. */
  redis: RedisClient;
  /** Receives failures of open streams. */
  logger: Logger;
  /** Interval of the heartbeat comment on open streams. Default: 15,000 ms. */
  sseHeartbeatMs?: number;
}

const FINAL_STATUSES: ReadonlySet<WorkflowRunView['status']> = new Set([
  'completed',
  'failed',
  'cancelled',
]);

/**
 * `GET /v1/workflow-runs/:id/events`: server-sent events of one workflow run. First `snapshot`
 * (the run as `GET /v1/workflow-runs/:id` reads), then `active` (`{ id }`, once, when the run
 * starts), `stage` (`{ type, stage, index }`: a stage starts), `step` (`{ type, step, status,
 * taskId? }`: a step starts, finishes or is skipped) and one final event carrying the run as it
 * then reads: `completed`, `failed` or `cancelled`. The stream ends after the final event, or
 * right after the snapshot when the run had already ended. 404 `not_found` (JSON, no stream)
 * for an unknown id.
 */
export function workflowRunEventHandlers(
  options: WorkflowRunEventRoutesOptions,
): OperationHandlers<'streamWorkflowRunEvents'> {
  return {
    streamWorkflowRunEvents: async (req, res) => {
      const id = req.params.id;
      const scope = readScopeOf(req);
      const queue = options.names.workflow;
      if (TaskId.parse(id)?.queue !== queue) throw new NotFoundError('workflow run', id);
      if (options.redis.status !== 'ready') throw new RedisUnavailableError();
      // The parent job turns active again each time its stage's tasks are done: only the first
      // time the run starts is told.
      let started = false;
      await followJob(res, {
        events: options.events,
        queue,
        jobId: id,
        heartbeatMs: options.sseHeartbeatMs ?? 15_000,
        logger: options.logger,
        snapshot: async () => {
          const view = await options.workflowRuns.get(id, scope);
          started = view.status !== 'queued';
          return view;
        },
        isFinal: (view) => FINAL_STATUSES.has(view.status),
        translate: async (event) => {
          if (event.name !== 'active') return translateRunEvent(options.workflowRuns, event);
          const first = !started;
          started = true;
          return { events: first ? [{ event: 'active', data: { id } }] : [], end: false };
        },
      });
    },
  };
}

async function translateRunEvent(
  runs: WorkflowRuns,
  event: JobEvent,
): Promise<JobEventTranslation> {
  switch (event.name) {
    case 'progress':
      return { events: [progressEvent(event.jobId, event.data)], end: false };
    case 'completed':
    case 'failed':
    case 'removed':
      return { events: [await finalRunEvent(runs, event)], end: true };
    default:
      return { events: [], end: false };
  }
}

function progressEvent(id: string, data: unknown): SseEvent {
  const type = (data as { type?: unknown } | null)?.type;
  if (type === 'stage' || type === 'step') return { event: type, data };
  return { event: 'progress', data: { id, progress: data } };
}

// The final event carries the run as it reads now; a cancelled run's parent job fails (or, when
// it was removed, only its cancel marker is left), and the run reads `cancelled`.
async function finalRunEvent(
  runs: WorkflowRuns,
  event: Extract<JobEvent, { name: 'completed' | 'failed' | 'removed' }>,
): Promise<SseEvent> {
  const id = event.jobId;
  const view = await runs.get(id).catch(() => undefined);
  if (view && FINAL_STATUSES.has(view.status)) return { event: view.status, data: view };
  switch (event.name) {
    case 'completed': {
      const result = event.returnvalue as WorkflowRunResult | null;
      return { event: 'completed', data: { id, status: 'completed', ...result } };
    }
    case 'failed':
      return { event: 'failed', data: { id, status: 'failed', error: event.failedReason } };
    case 'removed':
      return { event: 'removed', data: { id } };
  }
}
