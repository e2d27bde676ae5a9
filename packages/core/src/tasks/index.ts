/**
 * Tasks: their model, enqueueing and reading them, cancelling them, tombstones, idempotency, the
 * dead-letter queue, and job events.
 */
export {
  deadLetterDataOf,
  type DeadLetterEntry,
  type DeadLetterJobData,
} from './dead-letter-entry';
export { DeadLetterQueue } from './dead-letter-queue';
export {
  type DeadLetterListOptions,
  type DeadLetterPage,
  type DeadLetterQueueOptions,
  type MoveFailedResult,
  type PurgeExpiredOptions,
} from './dead-letter-queue-options';
export { IdempotencyStore, type IdempotencyStoreOptions } from './idempotency-store';
export { JobEventMetrics } from './job-event-metrics';
export {
  type JobEvent,
  type JobEventListener,
  JobEventStream,
  type JobEventStreamOptions,
  type Unsubscribe,
} from './job-event-stream';
export { type TaskJobData, type TaskJobResult } from './task';
export {
  assertOwned,
  type CancelledTask,
  type CancelTaskOptions,
  TaskCanceller,
  type TaskCancellerOptions,
} from './task-canceller';
export { taskJobOptions } from './task-job-options';
export { countTaskRun, jobHashKey, readTaskRuns, TASK_RUNS_FIELD } from './task-runs';
export { TaskService, type TaskServiceOptions } from './task-service';
export {
  type TaskTombstone,
  TaskTombstones,
  type TaskTombstonesOptions,
  tombstoneOf,
  type TombstoneOutcome,
} from './task-tombstones';
