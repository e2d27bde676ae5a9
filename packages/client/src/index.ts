export { ApiError } from './api-error';
export { TtaClient, type EventsOptions, type TtaClientOptions } from './tta-client';
export type {
  Cancelled,
  DeadLetteredTask,
  DeadLetterEntry,
  DeadLetterListOptions,
  DeadLetterPage,
  EnqueuedTask,
  Task,
  TaskInput,
  TaskStatus,
  TaskTimings,
  Usage,
} from './task-types';
export type {
  StartedRun,
  WorkflowRun,
  WorkflowRunInput,
  WorkflowRunStatus,
  WorkflowRunStep,
  WorkflowStepStatus,
  WorkflowSummary,
} from './workflow-types';
export type {
  Agent,
  AgentFilter,
  AgentStatus,
  Capability,
  CapabilityQueue,
  Diagnostics,
  DrainRequested,
  HealthStatus,
  QueueDepth,
  QueueJobCounts,
  RegistryEvent,
  RouteCandidate,
  RoutingPreview,
  ScalingDecision,
  ScalingReport,
} from './agent-types';
export type {
  AgentToolPolicy,
  AppliedPolicy,
  CostQuery,
  CostReport,
  PolicyReload,
  PolicySources,
  PolicyStatus,
  PolicyValidation,
} from './policy-types';
export type {
  SafetyAuditEntry,
  SafetyAuditOptions,
  SafetyEvent,
  SafetyEventListOptions,
  SafetyEventPage,
  SafetyEventStatus,
  SafetyEventType,
  SafetyLevel,
  SafetyReview,
  SafetyReviewNote,
} from './safety-types';
export {
  FINAL_EVENTS,
  type RunEvent,
  type SafetyStreamEvent,
  type StageProgress,
  type StepProgress,
  type TaskEvent,
} from './stream-events';
export { SseParser, type ServerSentEvent } from './sse-parser';
export { NdjsonParser } from './ndjson-parser';
