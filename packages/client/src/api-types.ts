import type {
  AgentView,
  AppliedPolicy,
  AgentPolicyView,
  CapabilityOverview,
  CapabilityQueueOverview,
  Cancelled,
  CostReportView,
  DeadLetterEntry,
  DeadLetteredTask,
  DeadLetterPage,
  Diagnostics,
  DrainRequested,
  EnqueuedTask,
  Health,
  Operation,
  OperationId,
  PathParamsOf,
  PolicyReload,
  PolicyStatus,
  PolicyValidateRequest,
  PolicyValidation,
  QueryOf,
  QueueDepth,
  QueueJobCounts,
  RegistryEventView,
  RequestOf,
  RoutePreview,
  RunInput,
  RunStatus,
  RunStepView,
  SafetyAuditEntryView,
  SafetyEventPage,
  SafetyEventStatus,
  SafetyEventType,
  SafetyEventView,
  SafetyReview,
  ScalingReportView,
  SessionErasureReceipt,
  StartedRun,
  TaskInput,
  TaskStatus,
  TaskTimings,
  TaskView,
  Usage,
  WorkflowRunView,
  WorkflowSummary,
} from '@tta/contracts';

// The client's names for the types of the API's contract (`@tta/contracts`), imported as types
// only: the client adds no runtime dependency, and a change of the contract changes these.

export type {
  AppliedPolicy,
  Cancelled,
  DeadLetterEntry,
  DeadLetteredTask,
  DeadLetterPage,
  Diagnostics,
  DrainRequested,
  EnqueuedTask,
  SessionErasureReceipt,
  PolicyReload,
  PolicyStatus,
  PolicyValidation,
  QueueDepth,
  QueueJobCounts,
  SafetyEventPage,
  SafetyEventStatus,
  SafetyEventType,
  SafetyReview,
  StartedRun,
  TaskInput,
  TaskStatus,
  TaskTimings,
  Usage,
  WorkflowSummary,
};

/** A task (`GET /v1/tasks/:id`). */
export type Task = TaskView;

/** The body of `POST /v1/workflows/:name/runs`. */
export type WorkflowRunInput = RunInput;

/** A workflow run (`GET /v1/workflow-runs/:id`). */
export type WorkflowRun = WorkflowRunView;

/** Status of a workflow run. */
export type WorkflowRunStatus = RunStatus;

/** One step of a workflow run. */
export type WorkflowRunStep = RunStepView;

/** Status of a step of a workflow run. */
export type WorkflowStepStatus = RunStepView['status'];

/** A live agent (`GET /v1/agents`). */
export type Agent = AgentView;

/** Status of a live agent. */
export type AgentStatus = AgentView['status'];

/** Filters of `TtaClient.agents`. */
export type AgentFilter = QueryOf<'listAgents'>;

/** A capability with its live agents, capacity and queue depth (`GET /v1/capabilities`). */
export type Capability = CapabilityOverview;

/** One queue of a capability. */
export type CapabilityQueue = CapabilityQueueOverview;

/** One queue the router weighed for a task, with its verdict. */
export type RouteCandidate = RoutePreview['candidates'][number];

/** What the router would do with a task now, and why (`GET /v1/routing/preview`). */
export type RoutingPreview = RoutePreview;

/** `{ status: 'ok' }` of the health routes. */
export type HealthStatus = Health;

/** A registry event: an agent joined, left or was found dead. */
export type RegistryEvent = RegistryEventView;

/** Desired and actual replicas per agent type, and the last decisions (`GET /v1/scaling`). */
export type ScalingReport = ScalingReportView;

/** One decision of the autoscaler, with its inputs. */
export type ScalingDecision = ScalingReportView['decisions'][number];

/** The tool policy of one agent type. */
export type AgentToolPolicy = AgentPolicyView;

/** Policies to check without applying them (`POST /v1/policy/validate`). */
export type PolicySources = PolicyValidateRequest;

/** Tokens and cost of LLM calls over a window (`GET /v1/costs`). */
export type CostReport = CostReportView;

/** A safety event: never the player's words. */
export type SafetyEvent = SafetyEventView;

/** A reviewer's note on a safety event. */
export type SafetyReviewNote = SafetyEventView['notes'][number];

/** A level of a safety event: `unknown` when the screen was unavailable. */
export type SafetyLevel = 'crisis' | 'concern' | 'unknown';

/** One entry of the append-only audit trail. */
export type SafetyAuditEntry = SafetyAuditEntryView;

/** Which page of the dead-letter queue `TtaClient.deadLetters` reads. */
export type DeadLetterListOptions = NonNullable<QueryOf<'listDeadLetters'>>;

/** Which part of the cost ledger `TtaClient.costs` reads: times as ISO text or epoch ms. */
export type CostQuery = Omit<NonNullable<QueryOf<'getCosts'>>, 'from' | 'to'> & {
  /** Start of the window. Default: 24 hours before `to`. */
  from?: string | number;
  /** End of the window, exclusive. Default: now. */
  to?: string | number;
};

/** Which events `TtaClient.safetyEvents` lists. */
export type SafetyEventListOptions = NonNullable<QueryOf<'listSafetyEvents'>>;

/** Which part of the audit trail `TtaClient.safetyAudit` reads, oldest first. */
export type SafetyAuditOptions = NonNullable<QueryOf<'exportSafetyAudit'>> & {
  /** Stops reading (the iteration then throws the signal's reason). */
  signal?: AbortSignal;
};

/** The `operationId` of the operation at `method path` of the contract. */
export type OperationAt<M extends Operation['method'], P extends string> = Extract<
  Operation,
  { method: M; path: P }
>['operationId'];

/** A path of the contract that takes `method`: `/v1/capabilities/:name`. */
export type PathOf<M extends Operation['method']> = Extract<Operation, { method: M }>['path'];

/** What {@link TtaClient.call} sends: path parameters, query and body, typed by the contract. */
export interface CallOptions<Id extends OperationId> {
  /** The values of the path's `:name` parameters. */
  params?: PathParamsOf<Id>;
  /** The query. */
  query?: QueryOf<Id>;
  /** The JSON body. */
  body?: RequestOf<Id>;
}
