import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { Worker, type RateLimiterOptions } from 'bullmq';
import {
  agentQueues,
  closeAll,
  Lifecycle,
  OwnerBacklog,
  toError,
  type AgentCommand,
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
import { createConcurrencyTuner, type ConcurrencyTuner } from './concurrency-tuner';
import type { ResolvedAgentDefinition } from './define-agent';
import { DrainListener } from './drain-listener';
import { executeInSessionOrder } from './session-ordered-execution';
import { QueueRateLimits } from './queue-rate-limits';
import { TaskExecutor } from './task-executor';
import { TaskMetrics } from './task-metrics';
import { ToolCaller } from './tools/tool-caller';
import { ToolRegistry } from './tools/tool-registry';

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
  /** A drain command for this agent arrived: the runtime is stopping (see {@link AgentRuntime.stop}). */
  'drain-requested': [command: AgentCommand];
  /**
   * The rate limit of a queue changed with the tool policy: its new worker runs under
   * `limiter` (none: unlimited) and the old one has closed.
   */
  'rate-limit-changed': [queue: string, limiter: RateLimiterOptions | undefined];
}

/**
 * Runs an agent definition: one BullMQ worker per consumed queue (rate-limited as the tool
 * policy says), registration and heartbeats in the agent registry, a handler context per task
 * (progress, abort signal, logger, tools under the tool policy), and a graceful stop that
 * finishes in-flight tasks within a grace period and deregisters.
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
  private readonly metrics?: TaskMetrics;
  private readonly drains: DrainListener;
  private readonly gate: SessionGate;
  private readonly backlog: OwnerBacklog;
  private readonly rateLimits: QueueRateLimits;
  private readonly tuner?: ConcurrencyTuner;
  private readonly retiring = new Set<Worker<TaskJobData, TaskJobResult>>();
  private unwatchPolicy?: () => void;
  private heartbeatTimer?: NodeJS.Timeout;
  private startupHeartbeat?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  private leaveReason = 'shutdown';
  private readonly startedAt = Date.now();

  constructor(
    private readonly definition: ResolvedAgentDefinition,
    options: AgentRuntimeOptions,
  ) {
    super();
    this.options = resolveAgentRuntimeOptions(definition, options);
    this.id = this.options.agentId;
    this.log = options.logger.child({ agentId: this.id, agentType: definition.type });
    this.metrics = options.metrics && new TaskMetrics(options.metrics);
    this.tasks = new TaskExecutor({
      definition,
      agentId: this.id,
      logger: this.log,
      metrics: this.metrics,
      llm: this.options.llm,
      llmPolicy: this.options.llmPolicy,
      ...(this.options.codec && { codec: this.options.codec }),
      connection: options.connection,
      tools: new ToolCaller({
        registry: new ToolRegistry(definition.tools),
        policies: this.options.policies,
        metrics: options.metrics,
      }),
      events: {
        started: (taskId, capability) => this.emit('task:started', taskId, capability),
        completed: (taskId, capability, ms) => this.emit('task:completed', taskId, capability, ms),
        failed: (taskId, capability, error) => this.emit('task:failed', taskId, capability, error),
      },
    });
    this.rateLimits = new QueueRateLimits({
      agentType: definition.type,
      capabilities: definition.capabilities,
      labels: this.options.labels,
      names: this.options.names,
      policies: this.options.policies,
    });
    this.tuner = createConcurrencyTuner({
      ...this.options,
      runtime: this,
      workers: this.workers,
      agentType: definition.type,
    });
    this.gate = new SessionGate({
      connection: options.connection,
      names: options.names,
      shards: this.options.shards,
      logger: this.log,
    });
    this.cancels = new CancelListener({
      connection: options.connection,
      names: this.options.names,
      shards: this.options.shards,
      logger: this.log,
      running: () => this.tasks.ids(),
      onCancel: (taskId) => this.tasks.abort(taskId, new TaskCancelledError(taskId)),
    });
    this.backlog = new OwnerBacklog(options.connection, { names: options.names, logger: this.log });
    this.drains = new DrainListener({
      connection: options.connection,
      names: this.options.names,
      agentId: this.id,
      logger: this.log,
      onDrain: (command) => this.onDrainCommand(command),
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

  /** Jobs each worker runs at once now: as configured, or as the concurrency tuner set it. */
  get concurrency(): number {
    return this.tuner?.concurrency ?? this.options.concurrency;
  }

  /** The queues this agent consumes: each capability's generic queue and the pool queues of its labels. */
  get queues(): string[] {
    return agentQueues(this.options.names, this.definition.capabilities, this.options.labels);
  }

  /**
   * Registers the agent, starts its workers and its heartbeat, then listens for drain commands
   * (the agents page, `POST /v1/agents/:id/drain`): one makes the runtime {@link stop} itself.
   */
  async start(): Promise<void> {
    this.setState('running');
    try {
      await this.options.registry.register(this.registration());
      // Heartbeats start with the registration: a start slower than the registry TTL (a busy
      // machine) must not get the agent taken for dead, and its first tasks released, while
      // its workers already take tasks.
      this.startupHeartbeat = setInterval(
        () => void this.heartbeat('starting'),
        this.options.heartbeatIntervalMs,
      );
      await this.cancels.start();
      this.tuner?.start();
      for (const queue of this.queues) {
        for (const { prefix } of this.options.shards.all) {
          this.workers.push(this.createWorker(queue, prefix));
        }
      }
      await Promise.all(this.workers.map((w) => w.waitUntilReady()));
      if (this.stopping !== undefined) return;
      this.unwatchPolicy = this.options.policies?.onChange(() => this.applyRateLimits());
      this.applyRateLimits(); // a change while the workers were being created
      // Stopped while starting (SIGTERM during start): the stop releases everything, and a
      // heartbeat now would register the agent again after the stop deregistered it.
      if (this.stopping !== undefined) return;
      clearInterval(this.startupHeartbeat);
      await this.heartbeat('ready');
      await this.drains.start();
      if (this.stopping !== undefined) return;
      this.heartbeatTimer = setInterval(() => {
        void this.heartbeat();
        void this.cancels.check();
        void this.drains.check();
      }, this.options.heartbeatIntervalMs);
      this.log.info('agent started', {
        queues: this.queues,
        shards: this.options.shards.count,
        concurrency: this.concurrency,
      });
    } catch (err) {
      // A stop while starting closes what start() was waiting on: that is no failure of start.
      if (this.stopping !== undefined) {
        await this.stopping.catch(() => undefined);
        return;
      }
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
    clearInterval(this.startupHeartbeat);
    clearInterval(this.heartbeatTimer);
    this.tuner?.stop();
    this.unwatchPolicy?.();
    await closeAll(
      [
        ...this.workers.map((w): [string, () => Promise<void>] => [
          `worker ${w.name}`,
          () => w.close(true),
        ]),
        ['cancel listener', () => this.cancels.close()],
        ['drain listener', () => this.drains.close()],
        ['session gate', () => this.gate.close()],
        ['owner backlog', () => this.backlog.close()],
        [
          'deregister',
          () =>
            this.options.registry.deregister(
              { id: this.id, type: this.definition.type },
              this.leaveReason,
            ),
        ],
      ],
      this.log,
    );
  }

  // A command that arrives while the runtime still starts is left to the drain key, which the
  // first heartbeat after the start reads.
  private onDrainCommand(command: AgentCommand): void {
    if (this.state !== 'running' || this.stopping || !this.heartbeatTimer) return;
    this.leaveReason = command.reason ? `drained: ${command.reason}` : 'drained';
    this.log.info('drain requested', { reason: command.reason });
    this.emit('drain-requested', command);
    this.stop().catch((err: unknown) =>
      this.log.error('drain failed', { error: toError(err).message }),
    );
  }

  private createWorker(queue: string, prefix: string): Worker<TaskJobData, TaskJobResult> {
    const worker: Worker<TaskJobData, TaskJobResult> = new Worker<TaskJobData, TaskJobResult>(
      queue,
      // Two parameters: BullMQ then makes no abort controller per job (the executor makes one
      // only for a handler that reads `ctx.signal`).
      (job, token) => {
        // The task leaves its owner's waiting tasks (admission control) as it starts.
        if (job.data.owner !== undefined) this.backlog.release(job.data.owner, String(job.id));
        return executeInSessionOrder(job, token, {
          gate: this.gate,
          tasks: this.tasks,
          log: this.log,
        });
      },
      {
        connection: this.options.connection,
        prefix,
        name: this.id,
        concurrency: this.concurrency,
        lockDuration: this.options.lockDurationMs,
        lockRenewTime: this.options.lockRenewMs,
        stalledInterval: this.options.stalledIntervalMs,
        maxStalledCount: this.options.maxStalledCount,
        limiter: this.rateLimits.limiterOf(queue),
        autorun: true,
      },
    );
    worker.on('error', (err) => this.log.warn('worker error', { queue, error: err.message }));
    this.metrics?.watch(worker, this.definition.type);
    return worker;
  }

  // A changed rate limit replaces the workers of its queues: the new worker takes jobs under the
  // new limit at once, the old one finishes its jobs and closes (it stays in `workers` until
  // then, so that a stop waits for it).
  private applyRateLimits(): void {
    if (this.state !== 'running') return;
    for (const old of [...this.workers]) {
      if (this.retiring.has(old) || !this.rateLimits.changed(old.name, old.opts.limiter)) continue;
      this.workers.push(this.createWorker(old.name, old.opts.prefix ?? this.options.names.prefix));
      this.log.info('rate limit changed: queue worker replaced', {
        queue: old.name,
        limiter: this.rateLimits.limiterOf(old.name) ?? 'none',
      });
      void this.retire(old);
    }
  }

  private async retire(old: Worker<TaskJobData, TaskJobResult>): Promise<void> {
    this.retiring.add(old);
    try {
      await old.close();
    } catch (err) {
      this.log.warn('replaced worker did not close cleanly', {
        queue: old.name,
        error: toError(err).message,
      });
    } finally {
      this.retiring.delete(old);
      const index = this.workers.indexOf(old);
      if (index >= 0) this.workers.splice(index, 1);
    }
    this.emit('rate-limit-changed', old.name, this.rateLimits.limiterOf(old.name));
  }

  private async heartbeat(status?: AgentStatus): Promise<void> {
    const current: AgentStatus = status ?? (this.state === 'draining' ? 'draining' : 'ready');
    const state = { status: current, activeJobs: this.activeTasks, concurrency: this.concurrency };
    try {
      const known = await this.options.registry.heartbeat(this.id, state);
      if (!known) {
        this.log.warn('registry had dropped this agent: registering again');
        await this.options.registry.register(this.registration());
        await this.options.registry.heartbeat(this.id, state);
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
      concurrency: this.concurrency,
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
