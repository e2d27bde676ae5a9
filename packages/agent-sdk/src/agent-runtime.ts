import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  closeAll,
  Lifecycle,
  toError,
  type AgentRegistration,
  type AgentStatus,
  type LifecycleState,
  type Logger,
  type TaskJobData,
  type TaskJobResult,
  ValidationError,
  VersionConflictError,
} from '@tta/core';
import {
  resolveAgentRuntimeOptions,
  type AgentRuntimeOptions,
  type ResolvedAgentRuntimeOptions,
} from './agent-runtime-options';
import type { AgentTask, ResolvedAgentDefinition, TaskContext } from './define-agent';
import { TaskMetrics } from './task-metrics';
import { TaskTimeoutError } from './task-timeout-error';

/** Events of {@link AgentRuntime}. */
export interface AgentRuntimeEvents {
  /** A handler started. */
  'task:started': [taskId: string, capability: string];
  /** A handler returned. */
  'task:completed': [taskId: string, capability: string, runMs: number];
  /** A handler threw, timed out or was aborted. */
  'task:failed': [taskId: string, capability: string, error: Error];
  /** The runtime changed state. */
  state: [state: LifecycleState];
}

/**
 * Runs an agent definition: one BullMQ worker per consumed queue, registration and heartbeats
 * in the agent registry, a handler context per task (progress, abort signal, logger), and a
 * graceful stop that finishes in-flight tasks within a grace period and deregisters.
 */
export class AgentRuntime extends EventEmitter<AgentRuntimeEvents> {
  /** The agent's id in the registry and on every job it processes. */
  readonly id: string;
  private readonly options: ResolvedAgentRuntimeOptions;
  private readonly lifecycle = new Lifecycle('AgentRuntime');
  private readonly log: Logger;
  private readonly metrics?: TaskMetrics;
  private readonly workers: Worker<TaskJobData, TaskJobResult>[] = [];
  private readonly running = new Map<string, (reason: Error) => void>();
  private heartbeatTimer?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  private readonly startedAt = Date.now();

  constructor(
    private readonly definition: ResolvedAgentDefinition,
    options: AgentRuntimeOptions,
  ) {
    super();
    this.options = resolveAgentRuntimeOptions(definition, options);
    this.id = this.options.agentId;
    this.log = options.logger.child({ agentId: this.id, agentType: definition.type });
    if (options.metrics) this.metrics = new TaskMetrics(options.metrics);
  }

  /** `idle`, `running`, `draining`, `stopped` or `failed`. */
  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /** Tasks running now. */
  get activeTasks(): number {
    return this.running.size;
  }

  /** The queues this agent consumes. */
  get queues(): string[] {
    return this.definition.capabilities.map((c) => this.options.names.capability(c));
  }

  /** Registers the agent, starts its workers and its heartbeat. */
  async start(): Promise<void> {
    this.setState('running');
    try {
      await this.options.registry.register(this.registration());
      for (const queue of this.queues) this.workers.push(this.createWorker(queue));
      await Promise.all(this.workers.map((w) => w.waitUntilReady()));
      await this.heartbeat('ready');
      this.heartbeatTimer = setInterval(
        () => void this.heartbeat(),
        this.options.heartbeatIntervalMs,
      );
      this.log.info('agent started', {
        queues: this.queues,
        concurrency: this.options.concurrency,
      });
    } catch (err) {
      this.setState('failed');
      await this.release();
      throw err;
    }
  }

  /**
   * Stops taking tasks, lets in-flight ones finish within the grace period, aborts the rest
   * (BullMQ hands them to another agent once their lock expires), deregisters. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    if (this.state === 'idle') {
      this.setState('stopped');
      return;
    }
    if (this.state === 'running') this.setState('draining');
    this.log.info('agent draining', { activeTasks: this.activeTasks });
    await this.heartbeat('draining');
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    const inTime = await raceTimeout(graceful, this.options.shutdownGraceMs);
    if (!inTime) {
      this.log.warn('grace period over: aborting in-flight tasks', {
        activeTasks: this.activeTasks,
      });
      for (const abort of this.running.values()) abort(new Error('agent stopping'));
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
    await this.release();
    this.setState('stopped');
    this.log.info('agent stopped');
  }

  private async release(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    await closeAll(
      [
        ...this.workers.map((w): [string, () => Promise<void>] => [
          `worker ${w.name}`,
          () => w.close(true),
        ]),
        [
          'deregister',
          () => this.options.registry.deregister({ id: this.id, type: this.definition.type }),
        ],
      ],
      this.log,
    );
  }

  private createWorker(queue: string): Worker<TaskJobData, TaskJobResult> {
    const worker: Worker<TaskJobData, TaskJobResult> = new Worker<TaskJobData, TaskJobResult>(
      queue,
      (job, _token, signal) => this.process(job, worker, signal),
      {
        connection: this.options.connection,
        prefix: this.options.names.prefix,
        name: this.id,
        concurrency: this.options.concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: this.options.maxStalledCount,
        autorun: true,
      },
    );
    worker.on('error', (err) => this.log.warn('worker error', { queue, error: err.message }));
    return worker;
  }

  private async process(
    job: Job<TaskJobData, TaskJobResult>,
    worker: Worker<TaskJobData, TaskJobResult>,
    signal: AbortSignal | undefined,
  ): Promise<TaskJobResult> {
    const taskId = String(job.id);
    const { capability, timeoutMs } = job.data;
    // BullMQ hands every job an abort signal; aborting goes through worker.cancelJob, and the
    // task's promise is rejected at once so that a handler ignoring its signal is cut off too.
    const ownController = signal ? undefined : new AbortController();
    const handlerSignal = signal ?? (ownController as AbortController).signal;
    let abort!: (reason: Error) => void;
    const work = new Promise<unknown>((resolve, reject) => {
      abort = (reason) => {
        if (ownController) ownController.abort(reason);
        else worker.cancelJob(taskId, reason.message);
        reject(reason);
      };
      this.runHandler(job, handlerSignal).then(resolve, reject);
    });
    const timer = setTimeout(() => abort(new TaskTimeoutError(taskId, timeoutMs)), timeoutMs);
    this.running.set(taskId, abort);
    const startedAt = Date.now();
    this.metrics?.started(this.definition.type, capability, startedAt - job.data.enqueuedAt);
    this.emit('task:started', taskId, capability);
    try {
      const output = await work;
      const finishedAt = Date.now();
      this.metrics?.finished(this.definition.type, capability, finishedAt - startedAt, true);
      this.emit('task:completed', taskId, capability, finishedAt - startedAt);
      return { output, agentId: this.id, agentType: this.definition.type, startedAt, finishedAt };
    } catch (err) {
      const error = toError(err);
      this.metrics?.finished(this.definition.type, capability, Date.now() - startedAt, false);
      this.emit('task:failed', taskId, capability, error);
      throw retryable(error) ? error : new UnrecoverableError(error.message);
    } finally {
      clearTimeout(timer);
      this.running.delete(taskId);
    }
  }

  private async runHandler(
    job: Job<TaskJobData, TaskJobResult>,
    signal: AbortSignal,
  ): Promise<unknown> {
    return this.definition.handler(this.taskOf(job), this.contextOf(job, signal));
  }

  private taskOf(job: Job<TaskJobData, TaskJobResult>): AgentTask {
    const task: AgentTask = {
      id: String(job.id),
      capability: job.data.capability,
      input: job.data.input,
      attempt: job.attemptsMade + 1,
    };
    if (job.data.sessionId !== undefined) task.sessionId = job.data.sessionId;
    if (job.data.requirements !== undefined) task.requirements = job.data.requirements;
    return task;
  }

  private contextOf(job: Job<TaskJobData, TaskJobResult>, signal: AbortSignal): TaskContext {
    const parent = this.log;
    let log: Logger | undefined;
    return {
      agentId: this.id,
      agentType: this.definition.type,
      signal,
      // Built on first use: a child logger per task is measurable on the hot path.
      get log(): Logger {
        log ??= parent.child(
          job.data.sessionId === undefined
            ? { taskId: job.id }
            : { taskId: job.id, sessionId: job.data.sessionId },
        );
        return log;
      },
      progress: (value) => job.updateProgress(value),
    };
  }

  private async heartbeat(status?: AgentStatus): Promise<void> {
    const current: AgentStatus = status ?? (this.state === 'draining' ? 'draining' : 'ready');
    try {
      const known = await this.options.registry.heartbeat(this.id, {
        status: current,
        activeJobs: this.activeTasks,
      });
      if (!known) {
        this.log.warn('registry had dropped this agent: registering again');
        await this.options.registry.register(this.registration());
        await this.options.registry.heartbeat(this.id, {
          status: current,
          activeJobs: this.activeTasks,
        });
      }
    } catch (err) {
      this.log.warn('heartbeat failed', { error: toError(err).message });
    }
  }

  private registration(): AgentRegistration {
    return {
      id: this.id,
      type: this.definition.type,
      capabilities: this.definition.capabilities,
      labels: this.definition.labels,
      queues: this.queues,
      concurrency: this.options.concurrency,
      host: hostname(),
      pid: process.pid,
      version: this.definition.version,
      startedAt: this.startedAt,
    };
  }

  private setState(next: LifecycleState): void {
    this.lifecycle.transition(next);
    this.emit('state', next);
  }
}

// Bad input and a lost race against an explicit expected version fail the same way every time.
function retryable(error: Error): boolean {
  return !(error instanceof ValidationError || error instanceof VersionConflictError);
}

function raceTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
