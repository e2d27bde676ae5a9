/** Status of a live agent. */
export type AgentStatus = 'starting' | 'ready' | 'draining';

/** A live agent (`GET /v1/agents`). */
export interface Agent {
  /** The agent id. */
  id: string;
  /** Its agent type, e.g. `narrative-generator`. */
  type: string;
  /** The capabilities it serves. */
  capabilities: string[];
  /** Its labels, e.g. `{ tier: 'fast' }`. */
  labels: Record<string, string>;
  /** The queues it consumes. */
  queues: string[];
  /** Jobs it runs at once per queue. */
  concurrency: number;
  /** Jobs it runs now. */
  activeJobs: number;
  /** `starting`, `ready` or `draining`. */
  status: AgentStatus;
  /** Its host name. */
  host: string;
  /** Its process id. */
  pid: number;
  /** Its version. */
  version: string;
  /** Epoch ms when it started. */
  startedAt: number;
  /** Epoch ms of its last heartbeat. */
  lastHeartbeatAt: number;
  /** How long ago its last heartbeat was. */
  heartbeatAgeMs: number;
}

/** Which agents `TtaClient.agents` lists. */
export interface AgentFilter {
  /** Only agents serving this capability. */
  capability?: string;
  /** Only agents of this type. */
  type?: string;
  /** Only agents in this status. */
  status?: AgentStatus;
}

/** Number of jobs in each state. */
export interface QueueDepth {
  /** Jobs waiting to run. */
  waiting: number;
  /** Jobs running. */
  active: number;
  /** Jobs waiting for their delay. */
  delayed: number;
  /** Jobs waiting with a priority. */
  prioritized: number;
  /** Completed jobs still kept. */
  completed: number;
  /** Failed jobs still kept. */
  failed: number;
}

/** One queue of a capability: the generic one or a pool. */
export interface CapabilityQueue {
  /** `cap.<capability>` or `cap.<capability>.<pool>`. */
  queue: string;
  /** Labels of the pool; `{}` for the generic queue. */
  labels: Record<string, string>;
  /** Live agents consuming it (draining ones excluded). */
  liveAgents: number;
  /** Sum of their concurrency. */
  capacity: number;
  /** Its jobs by state. */
  depth: QueueDepth;
}

/** A capability of the catalog, with who serves it (`GET /v1/capabilities`). */
export interface Capability {
  /** The capability's name. */
  name: string;
  /** The agent type serving it. */
  agentType: string;
  /** What it does. */
  description: string;
  /** Its generic queue. */
  queue: string;
  /** Live agents serving it (draining ones excluded). */
  liveAgents: number;
  /** Jobs they can run at once. */
  capacity: number;
  /** Jobs by state, over every queue of the capability. */
  depth: QueueDepth;
  /** The generic queue first, then the pools. */
  queues: CapabilityQueue[];
}

/** A queue a task could go to, with the router's verdict on it. */
export interface RouteCandidate {
  /** The queue name. */
  queue: string;
  /** Labels of the pool; `{}` for the generic queue. */
  labels: Record<string, string>;
  /** Live, non-draining agents consuming it. */
  liveAgents: number;
  /** Sum of their concurrency. */
  capacity: number;
  /** Jobs waiting to start. */
  backlog: number;
  /** Whether a task with the requirements may go there now. */
  eligible: boolean;
  /** `backlog / capacity`, for eligible candidates. */
  expectedWait?: number;
  /** Why it won or lost. */
  reason: string;
}

/** Where a task would go now, and why (`GET /v1/routing/preview`). */
export interface RoutingPreview {
  /** The capability asked about. */
  capability: string;
  /** The requirements asked about. */
  requirements: Record<string, string>;
  /** The queue the task would go to (`null`: it would be refused), and why. */
  chosen: { queue: string | null; reason: string };
  /** Every known queue of the capability with the verdict on it. */
  candidates: RouteCandidate[];
}

/** The answer of `GET /healthz` and `GET /readyz`. */
export interface HealthStatus {
  /** Always `ok`: anything else is an error answer. */
  status: 'ok';
}

/** The answer to `POST /v1/agents/:id/drain`. */
export interface DrainRequested {
  /** The agent asked to drain. */
  id: string;
  /** Always `drain_requested`: the agent stops taking tasks, finishes its own and leaves. */
  status: 'drain_requested';
  /** Why, as recorded. */
  reason: string;
  /** Epoch ms when the drain was asked for. */
  requestedAt: number;
}

/** A registry event: an agent joined, left or was found dead. */
export interface RegistryEvent {
  /** What happened. */
  type: 'joined' | 'left' | 'dead';
  /** The agent. */
  agentId: string;
  /** Its agent type. */
  agentType: string;
  /** Epoch ms when it happened. */
  at: number;
  /** Why, when known. */
  reason?: string;
}

/** Jobs in each BullMQ state of one queue. */
export type QueueJobCounts = Record<
  'waiting' | 'active' | 'delayed' | 'prioritized' | 'waiting-children' | 'completed' | 'failed',
  number
>;

/** The whole system at once (`GET /v1/diagnostics`). */
export interface Diagnostics {
  /** Live agents and the newest registry events, newest last. */
  registry: { agents: Agent[]; events: RegistryEvent[] };
  /** Job counts by state of every queue, by queue name. */
  queues: Record<string, QueueJobCounts>;
  /** The id of the leading supervisor, `null` while none leads. */
  supervisor: { leader: string | null };
  /** The API's configuration, its secrets redacted. */
  config: unknown;
}

/** One decision of the autoscaler, with its inputs. */
export interface ScalingDecision {
  /** Agent type. */
  type: string;
  /** When, ISO 8601. */
  at: string;
  /** Whether replicas were added or removed. */
  direction: 'up' | 'down' | 'hold';
  /** Replicas before. */
  from: number;
  /** Replicas after. */
  to: number;
  /** Desired replicas, clamped to min and max. */
  desired: number;
  /** Unrounded desired replicas. */
  raw: number;
  /** Jobs added per second (λ). */
  arrivalRatePerSecond: number;
  /** Jobs waiting to start (B). */
  backlog: number;
  /** Mean job run time in seconds (W). */
  meanRunSeconds: number;
}

/** The autoscaler's state (`GET /v1/scaling`). */
export interface ScalingReport {
  /** Replica bounds, desired and actual count, and the last decision per agent type. */
  agentTypes: Array<{
    type: string;
    min: number;
    max: number;
    desired: number;
    actual: number;
    /** Live agents of the type in the registry. */
    live?: number;
    lastDecision: ScalingDecision | null;
  }>;
  /** Newest decisions that changed a replica count, newest first. */
  decisions: ScalingDecision[];
}
