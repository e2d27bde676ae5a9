import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import {
  agentQueues,
  closeAll,
  Lifecycle,
  toError,
  type AgentRegistration,
  type AgentStatus,
  type LifecycleState,
  type Logger,
  type TaskJobData,
  type TaskJobResult,
  SessionGate,
  TaskCancelledError,
} from '@tta/core';
import {
  resolveAgentRuntimeOptions,
  type AgentRuntimeOptions,
  type ResolvedAgentRuntimeOptions,
} from './agent-runtime-options';
import { CancelListener } from './cancel-listener';
import type { ResolvedAgentDefinition } from './define-agent';
import { TaskExecutor } from './task-executor';
import { TaskMetrics } from './task-metrics';

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
  private readonly workers: Worker<TaskJobData, TaskJobResult>[] = [];
  private readonly tasks: TaskExecutor;
  private readonly cancels: CancelListener;
  private readonly gate: SessionGate;
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
    this.tasks = new TaskExecutor({
      definition,
      agentId: this.id,
      logger: this.log,
      metrics: options.metrics && new TaskMetrics(options.metrics),
      events: {
        started: (taskId, capability) => this.emit('task:started', taskId, capability),
        completed: (taskId, capability, ms) => this.emit('task:completed', taskId, capability, ms),
        failed: (taskId, capability, error) => this.emit('task:failed', taskId, capability, error),
      },
    });
    this.gate = new SessionGate({
      connection: options.connection,
      names: options.names,
      logger: this.log,
    });
    this.cancels = new CancelListener({
      connection: options.connection,
      names: this.options.names,
      logger: this.log,
      running: () => this.tasks.ids(),
      onCancel: (taskId) => this.tasks.abort(taskId, new TaskCancelledError(taskId)),
    });
  }

  /** `idle`, `running`, `draining`, `stopped` or `failed`. */
  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /** Tasks running now. */
  get activeTasks(): number {
    return this.tasks.size;
  }

  /** The queues this agent consumes: each capability's generic queue and the pool queues of its labels. */
  get queues(): string[] {
    return agentQueues(this.options.names, this.definition.capabilities, this.options.labels);
  }

  /** Registers the agent, starts its workers and its heartbeat. */
  async start(): Promise<void> {
    this.setState('running');
    try {
      await this.options.registry.register(this.registration());
      await this.cancels.start();
      for (const queue of this.queues) this.workers.push(this.createWorker(queue));
      await Promise.all(this.workers.map((w) => w.waitUntilReady()));
      await this.heartbeat('ready');
      this.heartbeatTimer = setInterval(() => {
        void this.heartbeat();
        void this.cancels.check();
      }, this.options.heartbeatIntervalMs);
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
   * Stops taking tasks, lets in-flight ones finish within the grace period, hands the rest back
   * to the wait list (another agent takes them at once), deregisters. Safe to call twice.
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
      this.log.warn('grace period over: handing back in-flight tasks', {
        activeTasks: this.activeTasks,
      });
      await this.tasks.handBackAll();
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
        ['cancel listener', () => this.cancels.close()],
        ['session gate', () => this.gate.close()],
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
      (job, token, signal) => this.process(job, worker, signal, token),
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

  // Tasks that run in session order wait for their turn (parked as delayed jobs meanwhile) and
  // hand the turn on when they end for good.
  private async process(
    job: Job<TaskJobData, TaskJobResult>,
    worker: Worker<TaskJobData, TaskJobResult>,
    signal: AbortSignal | undefined,
    token?: string,
  ): Promise<TaskJobResult> {
    if (!SessionGate.applies(job)) return this.tasks.execute(job, worker, signal, token);
    if (!(await this.gate.enter(job, token))) {
      throw new DelayedError('waiting for an earlier task of its session');
    }
    try {
      const result = await this.tasks.execute(job, worker, signal, token);
      await this.leaveSession(job);
      return result;
    } catch (err) {
      const final =
        err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final && !(err instanceof WaitingError)) await this.leaveSession(job);
      throw err;
    }
  }

  private async leaveSession(job: Job<TaskJobData, TaskJobResult>): Promise<void> {
    try {
      await this.gate.leave(job);
    } catch (err) {
      this.log.warn('session order: could not hand the turn on', {
        taskId: job.id,
        error: toError(err).message,
      });
    }
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
      labels: this.options.labels,
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

function raceTimeout(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
