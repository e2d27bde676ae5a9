import type { Job } from 'bullmq';
import type { TaskJobData, TaskJobResult } from './task';
import type { TaskView } from '@tta/contracts';

/**
 * A task as the API reports it, from its job, queue and BullMQ state, and the runs the agent
 * runtime counted (none: not started yet).
 */
export function taskViewOf(
  job: Job<TaskJobData, TaskJobResult>,
  queue: string,
  state: string,
  runs?: number,
): TaskView {
  const result = job.returnvalue as TaskJobResult | null | undefined;
  const view: TaskView = {
    id: String(job.id),
    status: statusOf(state),
    capability: job.data.capability,
    queue,
    input: job.data.input,
    attempts: job.attemptsMade,
    runs: runs ?? 0,
    timings: { enqueuedAt: job.data.enqueuedAt ?? job.timestamp },
  };
  if (job.data.sessionId !== undefined) view.sessionId = job.data.sessionId;
  const agentId = result?.agentId ?? job.processedBy;
  if (agentId) view.agentId = agentId;
  if (job.progress !== undefined && job.progress !== 0) view.progress = job.progress;
  if (job.processedOn) view.timings.startedAt = result?.startedAt ?? job.processedOn;
  if (job.finishedOn) view.timings.finishedAt = result?.finishedAt ?? job.finishedOn;
  if (view.timings.startedAt)
    view.timings.waitMs = view.timings.startedAt - view.timings.enqueuedAt;
  if (view.timings.startedAt && view.timings.finishedAt) {
    view.timings.runMs = view.timings.finishedAt - view.timings.startedAt;
  }
  if (view.status === 'completed' && result) {
    view.result = result.output;
    if (result.usage) view.usage = result.usage;
  }
  if (view.status === 'failed') view.error = { message: job.failedReason };
  return view;
}

function statusOf(state: string): TaskView['status'] {
  switch (state) {
    case 'active':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      return 'queued';
  }
}
