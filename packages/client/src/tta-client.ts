import type {
  Agent,
  AgentFilter,
  AppliedPolicy,
  CallOptions,
  Cancelled,
  Capability,
  CostQuery,
  CostReport,
  DeadLetterListOptions,
  DeadLetterPage,
  SessionErasureReceipt,
  Diagnostics,
  DrainRequested,
  EnqueuedTask,
  HealthStatus,
  OperationAt,
  PathOf,
  PolicyReload,
  PolicySources,
  PolicyStatus,
  PolicyValidation,
  RoutingPreview,
  SafetyAuditEntry,
  SafetyAuditOptions,
  SafetyEvent,
  SafetyEventListOptions,
  SafetyEventPage,
  SafetyReview,
  ScalingReport,
  StartedRun,
  Task,
  TaskInput,
  WorkflowRun,
  WorkflowRunInput,
  WorkflowSummary,
} from './api-types';
import type { Operation, ResponseOf } from '@tta/contracts';
import { apiErrorOf } from './api-error';
import { NdjsonParser } from './ndjson-parser';
import { openStream, textChunks } from './open-stream';
import { SseParser, type ServerSentEvent } from './sse-parser';
import type { RunEvent, SafetyStreamEvent, TaskEvent } from './stream-events';

/** Options of {@link TtaClient}. */
export interface TtaClientOptions {
  /** Base URL of the API. Default: `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /**
   * Per-request timeout; for an event stream, how long the API may take to start it (the
   * stream itself may last any time). Default: 10,000 ms.
   */
  timeoutMs?: number;
  /** API key sent as `Authorization: Bearer <key>` on every request and stream. Default: none. */
  apiKey?: string;
}

/** Options of {@link TtaClient.events}. */
export interface EventsOptions {
  /** Stops reading the stream (the iteration then throws the signal's reason). */
  signal?: AbortSignal;
  /**
   * Sent as `Last-Event-ID`: a stream that resumes (`/v1/safety/events/stream`) starts after
   * the event of this id. Task and run streams start with their snapshot whatever it is.
   * Default: none.
   */
  lastEventId?: string;
}

/** A typed client of the HTTP API v1. */
export class TtaClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly apiKey: string | undefined;

  constructor(options: TtaClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.apiKey = options.apiKey;
  }

  /** `GET /healthz`: resolves while the API process serves requests. */
  health(): Promise<HealthStatus> {
    return this.request('GET', '/healthz');
  }

  /** `GET /readyz`: resolves when the API reaches Redis; throws {@link ApiError} 503 otherwise. */
  ready(): Promise<HealthStatus> {
    return this.request('GET', '/readyz');
  }

  /** `GET /openapi.json`: the API's OpenAPI 3.1 document. */
  openApi(): Promise<Record<string, unknown>> {
    return this.request('GET', '/openapi.json');
  }

  /**
   * `GET /v1/diagnostics`: live agents, registry events, queue depths, the leading supervisor
   * and the redacted configuration. Needs the `admin` scope.
   */
  diagnostics(): Promise<Diagnostics> {
    return this.request('GET', '/v1/diagnostics');
  }

  /** `GET /v1/policy`: the applied tool policy, by agent type. */
  policy(): Promise<AppliedPolicy> {
    return this.request('GET', '/v1/policy');
  }

  /** `GET /v1/policy/status`: the applied policy's version, and the last refused reload. */
  policyStatus(): Promise<PolicyStatus> {
    return this.request('GET', '/v1/policy/status');
  }

  /** Checks policies without applying them. Needs the `admin` scope. */
  validatePolicy(sources: PolicySources): Promise<PolicyValidation> {
    return this.request('POST', '/v1/policy/validate', sources);
  }

  /**
   * Reads the policy directory again and applies it everywhere; {@link ApiError} 422
   * `invalid_policy` when it is not valid (the applied policy stays). Needs the `admin` scope.
   */
  reloadPolicy(): Promise<PolicyReload> {
    return this.request('POST', '/v1/policy/reload');
  }

  /** Tokens and cost of LLM calls in a window (default: the last 24 hours). */
  costs(query: CostQuery = {}): Promise<CostReport> {
    return this.request('GET', withQuery('/v1/costs', query));
  }

  /** `GET /v1/scaling`: the autoscaler's replicas per agent type and its last decisions. */
  scaling(): Promise<ScalingReport> {
    return this.request('GET', '/v1/scaling');
  }

  /** Enqueues one task. */
  enqueue(task: TaskInput): Promise<EnqueuedTask> {
    return this.request('POST', '/v1/tasks', task);
  }

  /** Enqueues many tasks in one request; none is enqueued if one is invalid. */
  async enqueueBatch(tasks: TaskInput[]): Promise<EnqueuedTask[]> {
    const body = await this.request<{ tasks: EnqueuedTask[] }>('POST', '/v1/tasks/batch', {
      tasks,
    });
    return body.tasks;
  }

  /** Reads a task. */
  task(id: string): Promise<Task> {
    return this.request('GET', `/v1/tasks/${encodeURIComponent(id)}`);
  }

  /** Cancels a task: removed if waiting, aborted on its agent if running. */
  cancel(id: string, reason?: string): Promise<Cancelled> {
    const query = reason === undefined ? '' : `?reason=${encodeURIComponent(reason)}`;
    return this.request('DELETE', `/v1/tasks/${encodeURIComponent(id)}${query}`);
  }

  /** The event stream of a task, from its snapshot to its final event (see {@link TaskEvent}). */
  taskEvents(id: string, options: EventsOptions = {}): AsyncGenerator<TaskEvent> {
    return this.events(`/v1/tasks/${encodeURIComponent(id)}/events`, options) as AsyncGenerator<
      TaskEvent,
      void
    >;
  }

  /** Lists live agents. */
  async agents(filter: AgentFilter = {}): Promise<Agent[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    const body = await this.request<{ agents: Agent[] }>(
      'GET',
      `/v1/agents${query ? `?${query}` : ''}`,
    );
    return body.agents;
  }

  /** Reads one live agent; {@link ApiError} 404 once it is gone. */
  agent(id: string): Promise<Agent> {
    return this.request('GET', `/v1/agents/${encodeURIComponent(id)}`);
  }

  /**
   * Asks a live agent to drain: it stops taking tasks, finishes or hands back its in-flight
   * ones and leaves the registry. Needs the `admin` scope.
   */
  drainAgent(id: string, reason?: string): Promise<DrainRequested> {
    const body = reason === undefined ? {} : { reason };
    return this.request('POST', `/v1/agents/${encodeURIComponent(id)}/drain`, body);
  }

  /** The capability catalog with live agents, capacity and queue depth per queue. */
  async capabilities(): Promise<Capability[]> {
    const body = await this.request<{ capabilities: Capability[] }>('GET', '/v1/capabilities');
    return body.capabilities;
  }

  /** Where a task of `capability` with these requirements would go now, and why. */
  routingPreview(
    capability: string,
    requirements: Record<string, string> = {},
  ): Promise<RoutingPreview> {
    const pairs = Object.entries(requirements).map(([key, value]) => `${key}:${value}`);
    const query = new URLSearchParams({ capability });
    if (pairs.length > 0) query.set('requirements', pairs.join(','));
    return this.request('GET', `/v1/routing/preview?${query.toString()}`);
  }

  /** One page of the dead-letter queue, newest first. */
  deadLetters(options: DeadLetterListOptions = {}): Promise<DeadLetterPage> {
    return this.request('GET', withQuery('/v1/dead-letter', options));
  }

  /** Puts a dead-lettered task back in its queue, under the same id, with fresh attempts. */
  retryDeadLetter(id: string): Promise<EnqueuedTask> {
    return this.request('POST', `/v1/dead-letter/${encodeURIComponent(id)}/retry`);
  }

  /** Deletes a dead-letter entry. */
  async deleteDeadLetter(id: string): Promise<void> {
    await this.request('DELETE', `/v1/dead-letter/${encodeURIComponent(id)}`);
  }

  /**
   * Erases a player session everywhere and answers the receipt: what was removed, counted.
   * Needs scope `sessions:erase` (or `admin`); erasing again answers zeros.
   */
  eraseSession(id: string): Promise<SessionErasureReceipt> {
    return this.request('DELETE', `/v1/sessions/${encodeURIComponent(id)}`);
  }

  /** The loaded workflow definitions, in outline. */
  async workflows(): Promise<WorkflowSummary[]> {
    const body = await this.request<{ workflows: WorkflowSummary[] }>('GET', '/v1/workflows');
    return body.workflows;
  }

  /** Starts a run of the workflow `name`. */
  startRun(name: string, body: WorkflowRunInput): Promise<StartedRun> {
    return this.request('POST', `/v1/workflows/${encodeURIComponent(name)}/runs`, body);
  }

  /** Reads a workflow run. */
  run(id: string): Promise<WorkflowRun> {
    return this.request('GET', `/v1/workflow-runs/${encodeURIComponent(id)}`);
  }

  /** Cancels a workflow run: it ends `cancelled`, and its running steps are aborted. */
  cancelRun(id: string, reason?: string): Promise<Cancelled> {
    const query = reason === undefined ? '' : `?reason=${encodeURIComponent(reason)}`;
    return this.request('DELETE', `/v1/workflow-runs/${encodeURIComponent(id)}${query}`);
  }

  /** The event stream of a run, from its snapshot to its final event (see {@link RunEvent}). */
  runEvents(id: string, options: EventsOptions = {}): AsyncGenerator<RunEvent> {
    return this.events(
      `/v1/workflow-runs/${encodeURIComponent(id)}/events`,
      options,
    ) as AsyncGenerator<RunEvent, void>;
  }

  /**
   * One page of the safety review queue: most severe first, then oldest, filtered. Needs the
   * `safety:review` scope, as every safety method does.
   */
  safetyEvents(options: SafetyEventListOptions = {}): Promise<SafetyEventPage> {
    return this.request('GET', withQuery('/v1/safety/events', options));
  }

  /** Reads one safety event; {@link ApiError} 404 for an unknown id. */
  safetyEvent(id: string): Promise<SafetyEvent> {
    return this.request('GET', `/v1/safety/events/${encodeURIComponent(id)}`);
  }

  /** Acknowledges an open safety event; {@link ApiError} 409 `review_conflict` unless it is open. */
  acknowledgeSafetyEvent(id: string, review: SafetyReview): Promise<SafetyEvent> {
    return this.request('POST', `/v1/safety/events/${encodeURIComponent(id)}/ack`, review);
  }

  /** Resolves a safety event; {@link ApiError} 409 `review_conflict` when it is already resolved. */
  resolveSafetyEvent(id: string, review: SafetyReview): Promise<SafetyEvent> {
    return this.request('POST', `/v1/safety/events/${encodeURIComponent(id)}/resolve`, review);
  }

  /**
   * The live feed of safety events and their review, one {@link SafetyStreamEvent} per audit
   * entry: from now on, or after `lastEventId` (an entry id) without gaps or repeats. It lasts
   * until the API ends it or the loop is left.
   */
  async *safetyEventStream(options: EventsOptions = {}): AsyncGenerator<SafetyStreamEvent> {
    // Only `safety` events: the one `ready` event says the feed is subscribed, nothing to show.
    for await (const event of this.events('/v1/safety/events/stream', options)) {
      if (event.event === 'safety') yield event as SafetyStreamEvent;
    }
  }

  /**
   * The audit trail of safety events (recorded, acknowledged, resolved, notified), oldest first,
   * read from the API's JSON lines as they arrive: an export of any size is never held whole.
   */
  async *safetyAudit(options: SafetyAuditOptions = {}): AsyncGenerator<SafetyAuditEntry> {
    const { signal, ...query } = options;
    const path = withQuery('/v1/safety/audit', query);
    const res = await this.open(path, 'application/x-ndjson', { signal });
    const parser = new NdjsonParser();
    for await (const chunk of textChunks(res)) yield* parser.push(chunk) as SafetyAuditEntry[];
    yield* parser.end() as SafetyAuditEntry[];
  }

  /**
   * Reads the server-sent event stream at `path` (`/v1/tasks/<id>/events`,
   * `/v1/workflow-runs/<id>/events`, `/v1/safety/events/stream`), yielding its events as they come and ending when the API
   * ends the stream. Heartbeat comments are skipped. Leaving the loop early closes the stream.
   * Throws {@link ApiError} when the API answers with an error instead of a stream.
   */
  async *events(path: string, options: EventsOptions = {}): AsyncGenerator<ServerSentEvent> {
    const res = await this.open(path, 'text/event-stream', options);
    const parser = new SseParser();
    for await (const chunk of textChunks(res)) yield* parser.push(chunk);
  }

  /**
   * Calls any JSON operation of the API by its method and path as the contract names them,
   * typed by the contract: `call('GET', '/v1/capabilities/:name', { params: { name } })`
   * answers a `CapabilityDetail`. Operations added to the contract are callable at once.
   * Throws {@link ApiError} on an error answer.
   */
  call<M extends Operation['method'], P extends PathOf<M>>(
    method: M,
    path: P,
    options: CallOptions<OperationAt<M, P>> = {},
  ): Promise<ResponseOf<OperationAt<M, P>>> {
    const params: Record<string, string> = { ...options.params };
    const filled = path.replace(/:(\w+)/g, (_match, name: string) => {
      const value = params[name];
      if (value === undefined) throw new TypeError(`missing path parameter '${name}' of ${path}`);
      return encodeURIComponent(value);
    });
    return this.request(method, withQuery(filled, options.query ?? {}), options.body);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...this.authorization() };
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.timeoutMs), headers };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw apiErrorOf(res, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  // A GET whose body is read as it comes; `accept` names its media type.
  private open(path: string, accept: string, options: EventsOptions): Promise<Response> {
    const headers: Record<string, string> = { ...this.authorization(), accept };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const { signal } = options;
    return openStream(`${this.baseUrl}${path}`, {
      headers,
      timeoutMs: this.timeoutMs,
      ...(signal && { signal }),
    });
  }

  private authorization(): Record<string, string> {
    return this.apiKey === undefined ? {} : { authorization: `Bearer ${this.apiKey}` };
  }
}

/** `path` with the defined entries of `params` as its query string. */
function withQuery(path: string, params: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
