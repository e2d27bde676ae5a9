import type {
  SafetyAuditEntry,
  SafetyEvent,
  Task,
  WorkflowRun,
  WorkflowStepStatus,
} from './api-types';

/** Fields every event of a stream has besides its name and data. */
interface EventBase {
  /** The event's increasing `id:`. */
  id?: string;
}

/**
 * An event of `GET /v1/tasks/:id/events`: first `snapshot` (the task as it reads), then
 * `active` (each attempt), `progress` (what the handler reports: a number 0-100 or an object)
 * and one final `completed`, `failed` or `cancelled` carrying the task (`removed` for a job
 * removed otherwise).
 */
export type TaskEvent = EventBase &
  (
    | { event: 'snapshot' | 'completed' | 'failed' | 'cancelled'; data: Task }
    | { event: 'active' | 'removed'; data: { id: string } }
    | { event: 'progress'; data: { id: string; progress: unknown } }
  );

/** A workflow stage starts. */
export interface StageProgress {
  /** Always `stage`. */
  type: 'stage';
  /** The stage's name. */
  stage: string;
  /** Its index, from 0. */
  index: number;
}

/** A workflow step starts, finishes or is skipped. */
export interface StepProgress {
  /** Always `step`. */
  type: 'step';
  /** The step's id. */
  step: string;
  /** Its status now. */
  status: WorkflowStepStatus;
  /** Its task id, once it has one. */
  taskId?: string;
}

/**
 * An event of `GET /v1/workflow-runs/:id/events`: first `snapshot`, then `active` (once),
 * `stage` and `step` events, and one final `completed`, `failed` or `cancelled` carrying the
 * run.
 */
export type RunEvent = EventBase &
  (
    | { event: 'snapshot' | 'completed' | 'failed' | 'cancelled'; data: WorkflowRun }
    | { event: 'active' | 'removed'; data: { id: string } }
    | { event: 'stage'; data: StageProgress }
    | { event: 'step'; data: StepProgress }
    | { event: 'progress'; data: { id: string; progress: unknown } }
  );

/**
 * An event of `GET /v1/safety/events/stream`: always `safety`, its `id` the audit entry's (pass
 * it as `lastEventId` to resume after it), its data the entry and the safety event as it read
 * after it (absent when the event is gone).
 */
export type SafetyStreamEvent = EventBase & {
  event: 'safety';
  data: { entry: SafetyAuditEntry; event?: SafetyEvent };
};

/** Names of the events that end a stream. */
export const FINAL_EVENTS: ReadonlySet<string> = new Set([
  'completed',
  'failed',
  'cancelled',
  'removed',
]);
