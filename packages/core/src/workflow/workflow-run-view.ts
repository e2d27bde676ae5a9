import type { Job } from 'bullmq';
import type { TaskTombstone } from '../tasks/task-tombstones';
import type {
  WorkflowDefinition,
  WorkflowRunData,
  WorkflowRunResult,
  WorkflowRunStatus,
  WorkflowRunView,
} from './workflow-types';

/** The failed reason of a run's parent job when the run was cancelled. */
export const CANCELLED_REASON = 'cancelled';

const PENDING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'wait']);

/**
 * How a run reads, from its parent job in the given BullMQ state and its cancel marker (a
 * tombstone, present once someone asked to cancel it).
 */
export function toRunView(
  job: Job<WorkflowRunData, WorkflowRunResult>,
  state: string,
  definition: WorkflowDefinition | undefined,
  tombstone: TaskTombstone | undefined,
): WorkflowRunView {
  const data = job.data;
  const view: WorkflowRunView = {
    id: String(job.id),
    workflow: data.workflow,
    status: runStatus(job, state, tombstone),
    input: data.input,
    steps: data.steps,
    timings: { enqueuedAt: data.enqueuedAt },
  };
  if (data.sessionId !== undefined) view.sessionId = data.sessionId;
  const stages = definition?.stages ?? [];
  const stage = stages[Math.min(data.cursor.stage, stages.length - 1)];
  if (stage) view.stage = stage.name;
  if (data.startedAt !== undefined) view.timings.startedAt = data.startedAt;
  const result = state === 'completed' ? (job.returnvalue as WorkflowRunResult | null) : null;
  if (result) {
    Object.assign(view, {
      steps: result.steps,
      outcome: result.outcome,
      result: result.result,
      errors: result.errors,
      usage: result.usage,
      timings: result.timings,
    });
  } else if (state === 'failed' && job.finishedOn) {
    view.timings.finishedAt = job.finishedOn;
    if (data.startedAt !== undefined) view.timings.totalMs = job.finishedOn - data.enqueuedAt;
  }
  if (view.status === 'failed') view.error = job.failedReason;
  if (view.status === 'cancelled' && tombstone) {
    view.cancelledAt = tombstone.cancelledAt;
    view.error = tombstone.reason;
  }
  return view;
}

/** How a run reads once its job is gone but its cancel marker is still there. */
export function cancelledRunView(tombstone: TaskTombstone): WorkflowRunView {
  const view: WorkflowRunView = {
    id: tombstone.taskId,
    workflow: tombstone.capability,
    status: 'cancelled',
    input: tombstone.input,
    steps: {},
    error: tombstone.reason,
    cancelledAt: tombstone.cancelledAt,
    timings: { enqueuedAt: tombstone.enqueuedAt },
  };
  if (tombstone.sessionId !== undefined) view.sessionId = tombstone.sessionId;
  return view;
}

function runStatus(
  job: Job<WorkflowRunData>,
  state: string,
  tombstone: TaskTombstone | undefined,
): WorkflowRunStatus {
  if (state === 'completed') return 'completed';
  if (tombstone || (state === 'failed' && job.failedReason === CANCELLED_REASON)) {
    return 'cancelled';
  }
  if (state === 'failed') return 'failed';
  if (PENDING_STATES.has(state) && job.data.startedAt === undefined) return 'queued';
  return 'running';
}
