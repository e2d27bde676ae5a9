import { EventEmitter } from 'node:events';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AgentRegistry, SweptAgent } from '../registry/agent-registry';
import type { DeadAgentJobs } from './dead-agent-jobs';
import type { DeadLetterQueue } from '../tasks/dead-letter-queue';
import { toError } from '../errors/to-error';
import { LeaderLock } from '../redis/leader-lock';
import { Lifecycle, type LifecycleState } from '../lifecycle/lifecycle';
import type { LocalExecutor } from '../scaling/local-executor';
import type { Logger } from '../telemetry/logger';
import type { QueueNames } from '../queues/queue-names';
import { supervisorLeaderKey } from './supervisor-leader';
import type { RedisClient } from '../redis/redis-connection';

/** Events of {@link Supervisor}. */
export interface SupervisorEvents {
  /** Became the active supervisor. */
  leading: [];
  /** Stopped being the active supervisor. */
  standby: [];
  /** Dead agents removed by a sweep. */
  swept: [dead: SweptAgent[]];
  /** Jobs of a dead agent whose locks were removed, so that live agents run them again. */
  'jobs-released': [agentId: string, jobs: number];
  /** Failed tasks a sweep moved to the dead-letter queue. */
  'dead-lettered': [taskIds: string[]];
}

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  redis: RedisClient;
  names: QueueNames;
  registry: AgentRegistry;
  logger: Logger;
  /** Id of this supervisor. */
  id: string;
  /** Worker processes wanted per agent type (disabled types: 0). */
  replicas: Record<string, number>;
  /** Starts workers on this machine; none when workers run elsewhere. */
  executor?: LocalExecutor;
  /** Leader lock lifetime. Default: 5000 ms. */
  leaderLockTtlMs?: number;
  /** Time between dead-agent sweeps. Default: 250 ms. */
  sweepIntervalMs?: number;
  /**
   * Gets the jobs of each dead agent running again on live ones at once, rather than when their
   * (long) locks expire. Default: none (they wait for their locks to expire).
   */
  deadAgentJobs?: DeadAgentJobs;
  /** Where supervisor metrics go. */
  metrics?: Registry;
  /** Failed tasks are moved here on every sweep while leading. Default: none. */
  deadLetters?: DeadLetterQueue;
  /**
   * Drives workflow runs (a `WorkflowEngine`): started while this supervisor leads, closed
   * when it stands by or stops. Default: none.
   */
  workflowEngine?: { start(): Promise<void>; close(): Promise<void> };
  /**
   * Scales the workers (an `Autoscaler`): started while this supervisor leads, after the
   * configured replicas are set; stopped when it stands by or stops. Default: none.
   */
  autoscaler?: { start(): Promise<void>; stop(): Promise<void> };
  /**
   * Removes data past its age (a `RetentionSweeper`): started while this supervisor leads,
   * stopped when it stands by or stops. Default: none.
   */
  retention?: { start(): Promise<void>; stop(): Promise<void> };
  /**
   * Forgets pool queues nobody uses (a `PoolPruner`): started while this supervisor leads,
   * stopped when it stands by or stops. Default: none.
   */
  poolPruner?: { start(): Promise<void>; stop(): Promise<void> };
  /**
   * Reconciles the owners' counts of waiting tasks (a `BacklogReconciler`): started while this
   * supervisor leads, stopped when it stands by or stops. Default: none.
   */
  backlogReconciler?: { start(): Promise<void>; stop(): Promise<void> };
  /**
   * Redis's memory (a `RedisMemory`, started): while Redis was full within the last liveness
   * TTL, heartbeats may have been refused (`OOM`), so no agent is taken for dead. Default:
   * agents are swept whatever the memory.
   */
  memory?: { fullWithin(ms: number): boolean };
}

/**
 * The supervisor: campaigns for leadership; while leading, sweeps dead agents from the
 * registry, moves failed tasks to the dead-letter queue (on the same tick, when given one),
 * drives workflow runs (when given a workflow engine), removes data past its age (when given
 * a retention sweeper), forgets unused pool queues (when given a pool pruner) and keeps the configured workers running through its executor. A
 * standby does nothing but campaign, so it takes over within a lock TTL when the leader dies.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly lifecycle = new Lifecycle('Supervisor');
  private readonly lock: LeaderLock;
  private readonly log: Logger;
  private sweepTimer?: NodeJS.Timeout;
  private handoverTimer?: NodeJS.Timeout;
  private handingOver?: Promise<void>;
  private workersYielded = false;
  private sweeping?: Promise<void>;
  private heldSweepSince?: number;
  private stopping?: Promise<void>;
  private readonly deadAgents?: Counter<'agent_type'>;
  private readonly restarts?: Counter<'agent_type'>;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.log = options.logger.child({ supervisorId: options.id });
    this.lock = new LeaderLock(options.redis, {
      key: supervisorLeaderKey(options.names),
      id: options.id,
      ttlMs: options.leaderLockTtlMs ?? 5000,
      logger: this.log,
    });
    this.lock.on('acquired', () => void this.lead());
    this.lock.on('lost', () => void this.standBy());
    if (options.metrics) {
      const registers = [options.metrics];
      this.deadAgents = new Counter({
        name: 'tta_registry_dead_agents_total',
        help: 'Agents found dead by the supervisor',
        labelNames: ['agent_type'],
        registers,
      });
      this.restarts = new Counter({
        name: 'tta_supervisor_worker_restarts_total',
        help: 'Crashed local workers restarted',
        labelNames: ['agent_type'],
        registers,
      });
      const lock = () => this.lock;
      new Gauge({
        name: 'tta_supervisor_leader',
        help: '1 when this supervisor is the leader',
        registers,
        collect() {
          this.set(lock().isLeader ? 1 : 0);
        },
      });
      options.executor?.on('restarting', (type) => this.restarts?.inc({ agent_type: type }));
    }
  }

  /** `idle`, `running`, `stopped`... */
  get state(): LifecycleState {
    return this.lifecycle.state;
  }

  /** Whether this supervisor leads now. */
  get isLeader(): boolean {
    return this.lock.isLeader;
  }

  /** The id of the leading supervisor, if any. */
  currentLeader(): Promise<string | null> {
    return this.lock.currentLeader();
  }

  /** Starts campaigning for leadership. */
  async start(): Promise<void> {
    this.lifecycle.transition('running');
    await this.lock.start();
    if (!this.isLeader) this.log.info('supervisor on standby');
  }

  /** Stops its workers, gives up leadership. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.state === 'running') this.lifecycle.transition('draining');
      clearInterval(this.sweepTimer);
      clearInterval(this.handoverTimer);
      await this.sweeping;
      await this.stopAutoscaler();
      await this.stopRetention();
      await this.closeWorkflowEngine();
      await this.options.executor?.stopAll();
      await this.lock.stop();
      if (this.state !== 'stopped') this.lifecycle.transition('stopped');
    })();
    return this.stopping;
  }

  private async lead(): Promise<void> {
    if (this.state !== 'running') return;
    clearInterval(this.handoverTimer);
    this.workersYielded = false;
    this.log.info('supervisor is the leader');
    this.emit('leading');
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, this.options.sweepIntervalMs ?? 250);
    try {
      await this.options.workflowEngine?.start();
    } catch (err) {
      this.log.error('workflow engine did not start', { error: toError(err).message });
    }
    try {
      await this.options.retention?.start();
    } catch (err) {
      this.log.error('retention sweeper did not start', { error: toError(err).message });
    }
    try {
      await this.options.poolPruner?.start();
    } catch (err) {
      this.log.error('pool pruner did not start', { error: toError(err).message });
    }
    await this.options.backlogReconciler?.start();
    const executor = this.options.executor;
    if (executor) {
      await Promise.all(
        Object.entries(this.options.replicas).map(([type, n]) => executor.setReplicas(type, n)),
      );
    }
    if (this.state !== 'running' || !this.isLeader) return;
    try {
      await this.options.autoscaler?.start();
    } catch (err) {
      this.log.error('autoscaler did not start', { error: toError(err).message });
    }
  }

  private async standBy(): Promise<void> {
    clearInterval(this.sweepTimer);
    // Releasing the lock on stop also ends leadership; only an unexpected loss is news.
    if (this.state !== 'running') return;
    this.log.warn('supervisor lost leadership: standing by');
    await this.stopAutoscaler();
    await this.stopRetention();
    await this.closeWorkflowEngine();
    if (this.options.executor) {
      const check = () => {
        this.handingOver ??= this.yieldWorkersToNewLeader().finally(
          () => (this.handingOver = undefined),
        );
      };
      this.handoverTimer = setInterval(check, this.options.sweepIntervalMs ?? 250);
      check();
    }
    this.emit('standby');
  }

  // The local workers stop once another supervisor leads (it runs its own). A lock lost to a
  // Redis outage, or to a Redis that came back empty, is nobody else's: the workers wait out
  // the outage and this supervisor takes the lock back at its next try, without a restart.
  private async yieldWorkersToNewLeader(): Promise<void> {
    const executor = this.options.executor;
    if (!executor || this.workersYielded || this.isLeader || this.state !== 'running') return;
    // While Redis is away this waits for it (the connection queues commands until it is back).
    const leader = await this.lock.currentLeader().catch(() => null);
    if (leader === null || leader === this.options.id) return;
    if (this.isLeader || this.state !== 'running') return;
    this.workersYielded = true;
    clearInterval(this.handoverTimer);
    this.log.warn('another supervisor leads: stopping the local workers', { leader });
    await Promise.all(
      Object.keys(this.options.replicas).map((type) => executor.setReplicas(type, 0)),
    );
  }

  private async stopAutoscaler(): Promise<void> {
    try {
      await this.options.autoscaler?.stop();
    } catch (err) {
      this.log.warn('autoscaler did not stop cleanly', { error: toError(err).message });
    }
  }

  private async stopRetention(): Promise<void> {
    try {
      await this.options.backlogReconciler?.stop();
      await this.options.retention?.stop();
    } catch (err) {
      this.log.warn('retention sweeper did not stop cleanly', { error: toError(err).message });
    }
    try {
      await this.options.poolPruner?.stop();
    } catch (err) {
      this.log.warn('pool pruner did not stop cleanly', { error: toError(err).message });
    }
  }

  private async closeWorkflowEngine(): Promise<void> {
    try {
      await this.options.workflowEngine?.close();
    } catch (err) {
      this.log.warn('workflow engine did not close cleanly', { error: toError(err).message });
    }
  }

  private async sweep(): Promise<void> {
    await this.sweepRegistry();
    await this.moveDeadLetters();
  }

  private async moveDeadLetters(): Promise<void> {
    if (!this.options.deadLetters) return;
    try {
      const { moved } = await this.options.deadLetters.moveFailed();
      if (moved.length > 0) this.emit('dead-lettered', moved);
    } catch (err) {
      this.log.warn('dead-letter move failed', { error: toError(err).message });
    }
  }

  // An agent whose heartbeats Redis refused for lack of memory is not dead: while Redis was full
  // within one liveness TTL (plus a sweep), nobody is swept; the sweep goes on once it is not.
  private holdSweep(): boolean {
    const { memory, registry } = this.options;
    const held = memory?.fullWithin(
      registry.livenessTtlMs + (this.options.sweepIntervalMs ?? 1000),
    );
    if (held && this.heldSweepSince === undefined) {
      this.heldSweepSince = Date.now();
      this.log.warn('Redis is full: dead-agent sweep held (heartbeats may have been refused)');
    } else if (!held && this.heldSweepSince !== undefined) {
      this.log.info('Redis has memory again: dead-agent sweep resumed', {
        heldMs: Date.now() - this.heldSweepSince,
      });
      this.heldSweepSince = undefined;
    }
    return held === true;
  }

  private async sweepRegistry(): Promise<void> {
    if (this.holdSweep()) return;
    try {
      const dead = await this.options.registry.sweep();
      if (dead.length === 0) return;
      for (const agent of dead) {
        this.deadAgents?.inc({ agent_type: agent.type });
        this.log.warn('agent dead: heartbeat expired', {
          agentId: agent.id,
          agentType: agent.type,
        });
      }
      this.emit('swept', dead);
      for (const agent of dead) await this.releaseJobs(agent);
    } catch (err) {
      this.log.warn('registry sweep failed', { error: toError(err).message });
    }
  }

  private async releaseJobs(agent: SweptAgent): Promise<void> {
    const jobs = this.options.deadAgentJobs;
    if (!jobs) return;
    try {
      const released = await jobs.release(agent);
      if (released === 0) return;
      this.log.warn("dead agent's tasks released to live agents", {
        agentId: agent.id,
        tasks: released,
      });
      this.emit('jobs-released', agent.id, released);
    } catch (err) {
      this.log.warn(
        "could not release a dead agent's tasks: they run again once their locks expire",
        {
          agentId: agent.id,
          error: toError(err).message,
        },
      );
    }
  }
}
