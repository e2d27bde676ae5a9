import { readScopeOf } from '../access/api-caller';
import type { OperationHandlers } from './operation-handlers';
import {
  NotFoundError,
  RedisUnavailableError,
  TaskId,
  type JobEvent,
  type JobEventStream,
  type Logger,
  type TaskJobResult,
  type TaskRouter,
  type TaskService,
  type RedisClient,
} from '@tta/core';
import { type TaskView } from '@tta/contracts';
import { followJob, type JobEventTranslation, type SseEvent } from '../http/follow-job';

/** Options of {@link taskEventHandlers}. */
export interface TaskEventRoutesOptions {
  /** Reads tasks (the snapshot, and the final state). */
  tasks: TaskService;
  /** Knows which queues a task id may name. */
  router: TaskRouter;
  /** Where the events of the tasks' jobs come from. */
  events: JobEventStream;
  /** The producer connection; a stream is refused with 503 while it is down. */
  redis: RedisClient;
  /** Receives failures of open streams. */
  logger: Logger;
  /** Interval of the heartbeat comment on open streams. Default: 15,000 ms. */
  sseHeartbeatMs?: number;
}

const FINAL_STATUSES: ReadonlySet<TaskView['status']> = new Set([
  'completed',
  'failed',
  'cancelled',
  'dead',
]);

/**
 * `GET /v1/tasks/:id/events`: server-sent events of one task. First `snapshot` (the task as
 * `GET /v1/tasks/:id` reads), then `active` (`{ id }`, on each attempt), `progress`
 * (`{ id, progress }`) and one final event carrying the task as it then reads: `completed`,
 * `failed` or `cancelled` (`removed`, `{ id }`, for a job removed otherwise). The stream ends
 * after the final event, or right after the snapshot when the task had already finished.
 * 404 `not_found` (JSON, no stream) for an unknown id.
 */
export function taskEventHandlers(
  options: TaskEventRoutesOptions,
): OperationHandlers<'streamTaskEvents'> {
  return {
    streamTaskEvents: async (req, res) => {
      const id = req.params.id;
      const scope = readScopeOf(req);
      const parsed = TaskId.parse(id);
      if (!parsed || !options.router.isTaskQueue(parsed.queue)) throw new NotFoundError('task', id);
      if (options.redis.status !== 'ready') throw new RedisUnavailableError();
      // No queue's events are read for a pool nobody declared or used: ids cannot open listeners.
      if (!(await options.router.holdsTasks(parsed.queue))) throw new NotFoundError('task', id);
      await followJob(res, {
        events: options.events,
        queue: parsed.queue,
        jobId: id,
        heartbeatMs: options.sseHeartbeatMs ?? 15_000,
        logger: options.logger,
        snapshot: () => options.tasks.get(id, scope),
        isFinal: (view) => FINAL_STATUSES.has(view.status),
        translate: (event) => translateTaskEvent(options.tasks, event),
      });
    },
  };
}

async function translateTaskEvent(
  tasks: TaskService,
  event: JobEvent,
): Promise<JobEventTranslation> {
  const id = event.jobId;
  switch (event.name) {
    case 'active':
      return { events: [{ event: 'active', data: { id } }], end: false };
    case 'progress':
      return { events: [{ event: 'progress', data: { id, progress: event.data } }], end: false };
    case 'completed':
    case 'failed':
    case 'removed':
      return { events: [await finalTaskEvent(tasks, event)], end: true };
    default:
      return { events: [], end: true };
  }
}

// The final event carries the task as it reads now: a cancelled task fails (aborted while
// running) or is removed (while pending), and reads `cancelled` from its tombstone.
async function finalTaskEvent(
  tasks: TaskService,
  event: Extract<JobEvent, { name: 'completed' | 'failed' | 'removed' }>,
): Promise<SseEvent> {
  const id = event.jobId;
  const view = await tasks.get(id).catch(() => undefined);
  if (view?.status === 'cancelled') return { event: 'cancelled', data: view };
  switch (event.name) {
    case 'completed': {
      const result = event.returnvalue as TaskJobResult | null;
      return {
        event: 'completed',
        data: view ?? { id, status: 'completed', result: result?.output },
      };
    }
    case 'failed':
      return {
        event: 'failed',
        data: view ?? { id, status: 'failed', error: { message: event.failedReason } },
      };
    case 'removed':
      return { event: 'removed', data: { id } };
  }
}
