/** Options of {@link TtaClient}. */
export interface TtaClientOptions {
  /** Base URL of the API. Default: `http://127.0.0.1:8080`. */
  baseUrl?: string;
  /** Per-request timeout. Default: 10,000 ms. */
  timeoutMs?: number;
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

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, signal: AbortSignal.timeout(this.timeoutMs), headers: {} };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const res = await fetch(`${this.baseUrl}${path}`, init);
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; details?: unknown } })
        ?.error;
      throw new ApiError(
        res.status,
        err?.code ?? 'http_error',
        err?.message ?? res.statusText,
        err?.details,
      );
    }
    return json as T;
  }
}
