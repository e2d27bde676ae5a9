import { SseParser, type ServerSentEvent } from './sse-parser';

/** Options of {@link TtaClient}. */
export interface TtaClientOptions {
  /** Base URL of the API. Default: `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /**
   * Per-request timeout; for an event stream, how long the API may take to start it (the
   * stream itself may last any time). Default: 10,000 ms.
   */
  timeoutMs?: number;
}

/** Options of {@link TtaClient.events}. */
export interface EventsOptions {
  /** Stops reading the stream (the iteration then throws the signal's reason). */
  signal?: AbortSignal;
}

/** The body of `POST /v1/tasks`. */
export interface TaskInput {
  capability: string;
  input: Record<string, unknown>;
  priority?: number;
  delayMs?: number;
  timeoutMs?: number;
  sessionId?: string;
  idempotencyKey?: string;
  requirements?: Record<string, string>;
}

/** The answer to an accepted task. */
export interface EnqueuedTask {
  id: string;
  status: 'queued';
  capability: string;
  queue: string;
}

/** A task as the API reports it. */
export interface Task {
  id: string;
  status: 'queued' | 'active' | 'completed' | 'failed' | 'cancelled' | 'dead';
  capability: string;
  queue: string;
  input: Record<string, unknown>;
  sessionId?: string;
  result?: unknown;
  error?: { message: string };
  attempts: number;
  agentId?: string;
  progress?: unknown;
  /** Epoch ms when the task was cancelled (status `cancelled`). */
  cancelledAt?: number;
  /** Why it was cancelled. */
  cancelReason?: string;
  timings: Record<string, number | undefined>;
}

/** The body of `POST /v1/workflows/:name/runs`. */
export interface WorkflowRunInput {
  /** The run's input, as the workflow's `input` schema says. */
  input: Record<string, unknown>;
  /** The player session; required by workflows that run in session order. */
  sessionId?: string;
}

/** The answer to an accepted workflow run. */
export interface StartedRun {
  id: string;
  status: 'queued';
  workflow: string;
}

/** What a workflow run records of one of its steps. */
export interface WorkflowRunStep {
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped';
  capability: string;
  /** The step's task id (readable with {@link TtaClient.task}). */
  taskId?: string;
  output?: unknown;
  error?: string;
  agentId?: string;
  startedAt?: number;
  finishedAt?: number;
}

/** A workflow run as the API reports it. */
export interface WorkflowRun {
  id: string;
  workflow: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  sessionId?: string;
  input: Record<string, unknown>;
  /** Name of the current (or last) stage. */
  stage?: string;
  steps: Record<string, WorkflowRunStep>;
  /** `completed`, or the outcome of the stage that ended the run early (e.g. `crisis`). */
  outcome?: string;
  result?: Record<string, unknown>;
  error?: string;
  usage?: { inputTokens: number; outputTokens: number; costUsd: number };
  timings: Record<string, number | undefined>;
}

/** A live agent. */
export interface Agent {
  id: string;
  type: string;
  capabilities: string[];
  labels: Record<string, string>;
  queues: string[];
  concurrency: number;
  activeJobs: number;
  status: 'starting' | 'ready' | 'draining';
  host: string;
  pid: number;
  version: string;
  startedAt: number;
  lastHeartbeatAt: number;
  heartbeatAgeMs: number;
}

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A typed client of the HTTP API v1. */
export class TtaClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: TtaClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
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
  cancel(id: string, reason?: string): Promise<{ id: string; status: 'cancelled' }> {
    const query = reason === undefined ? '' : `?reason=${encodeURIComponent(reason)}`;
    return this.request('DELETE', `/v1/tasks/${encodeURIComponent(id)}${query}`);
  }

  /** Lists live agents. */
  async agents(
    filter: { capability?: string; type?: string; status?: string } = {},
  ): Promise<Agent[]> {
    const query = new URLSearchParams(
      Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    const body = await this.request<{ agents: Agent[] }>(
      'GET',
      `/v1/agents${query ? `?${query}` : ''}`,
    );
    return body.agents;
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
  cancelRun(id: string): Promise<{ id: string; status: 'cancelled' }> {
    return this.request('DELETE', `/v1/workflow-runs/${encodeURIComponent(id)}`);
  }

  /**
   * Reads the server-sent event stream at `path` (`/v1/tasks/<id>/events`,
   * `/v1/workflow-runs/<id>/events`), yielding its events as they come and ending when the API
   * ends the stream. Heartbeat comments are skipped. Leaving the loop early closes the stream.
   * Throws {@link ApiError} when the API answers with an error instead of a stream.
   */
  async *events(path: string, options: EventsOptions = {}): AsyncGenerator<ServerSentEvent> {
    const starting = new AbortController();
    const timer = setTimeout(
      () => starting.abort(new Error(`no answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    const signal = options.signal
      ? AbortSignal.any([starting.signal, options.signal])
      : starting.signal;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        headers: { accept: 'text/event-stream' },
        signal,
      });
    } finally {
      clearTimeout(timer);
    }
    if (!res.ok || !res.body) throw apiErrorOf(res, await res.text());
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield* parser.push(value);
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.timeoutMs), headers: {} };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw apiErrorOf(res, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

interface ErrorAnswer {
  error?: { code?: string; message?: string; details?: unknown };
}

/** The {@link ApiError} of an error answer, from its JSON body when it has one. */
function apiErrorOf(res: Response, text: string): ApiError {
  let err: ErrorAnswer['error'];
  try {
    err = (JSON.parse(text) as ErrorAnswer | null)?.error;
  } catch {
    err = undefined;
  }
  return new ApiError(
    res.status,
    err?.code ?? 'http_error',
    err?.message ?? res.statusText,
    err?.details,
  );
}
