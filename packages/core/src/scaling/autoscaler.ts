import { Counter, Gauge, type Registry } from 'prom-client';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import { reuseMetric } from '../telemetry/metrics';
import type { QueueNames } from '../queues/queue-names';
import type { QueueShards } from '../queues/queue-shards';
import type { ScalingExecutor } from './scaling-executor';
import { decideReplicas, type ScalingState } from './scaling-policy';
import { ScalingSignalsReader, type QueueSample } from './scaling-signals';
import { ScalingStore, type AgentTypeScaling, type ScalingDecisionRecord } from './scaling-store';
import type { RedisClient } from '../redis/redis-connection';

/** Bounds and capacity of one autoscaled agent type. */
export interface AutoscaledAgentType {
  /** Fewest replicas. */
  minReplicas: number;
  /** Most replicas. */
  maxReplicas: number;
  /** Jobs one replica runs at once. */
  concurrency: number;
}

/** Options of {@link Autoscaler}. */
export interface AutoscalerOptions {
  /** Connection for queue counts and the published state; not closed by `close()`. */
  connection: RedisClient;
  /** Queue names of the deployment. */
  names: QueueNames;
  /** The shards whose queues the decisions read, summed. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** Runs the decided replicas. */
  executor: ScalingExecutor;
  logger: Logger;
  /** The agent types to scale, by name. */
  agentTypes: Record<string, AutoscaledAgentType>;
  /** The queues an agent type consumes (its capabilities' generic and pool queues). */
  queuesOf: (agentType: string) => Promise<readonly string[]> | readonly string[];
  /** Where `tta_autoscaler_*` metrics go. Default: none. */
  metrics?: Registry;
  /** Time between decisions. Default: 1000 ms. */
  intervalMs?: number;
  /** Most replicas added by one decision. Default: 2. */
  maxStepUp?: number;
  /** How long the load must stay low before one replica is removed. Default: 30,000 ms. */
  scaleDownAfterMs?: number;
  /** Share of the capacity meant to be busy. Default: 0.7. */
  targetUtilization?: number;
  /** Seconds in which a backlog should drain. Default: 10. */
  drainSeconds?: number;
  /** Scale-down headroom (see `decideReplicas`). Default: 0.2. */
  hysteresis?: number;
  /** Run time assumed before any job of a type has completed, in ms. Default: 1000 ms. */
  defaultRunMs?: number;
  /**
   * Live agents per type, from the registry, published beside the executor's count (they
   * differ while workers start or drain, or when an orchestrator lags behind). Default: none.
   */
  liveAgents?: () => Promise<Record<string, number>>;
  /** Decisions kept for `GET /v1/scaling`. Default: 100. */
  keepDecisions?: number;
}

interface TypeState {
  policy: ScalingState;
  previous?: QueueSample;
  meanRunSeconds: number;
  lastDecision: ScalingDecisionRecord | null;
  desired: number;
}

interface AutoscalerMetrics {
  desired: Gauge<'agent_type'>;
  actual: Gauge<'agent_type'>;
  decisions: Counter<'agent_type' | 'direction'>;
}

/**
 * Decides every `intervalMs`, per agent type, how many replicas to run (see
 * `decideReplicas`), from the arrival rate, backlog and run times of its queues; tells the
 * executor; logs every change with its inputs; exports `tta_autoscaler_*` metrics; and
 * publishes its state through a {@link ScalingStore}. Runs between `start()` and `stop()`
 * (the supervisor does that while it leads); `close()` also releases its queue handles.
 */
export class Autoscaler {
  private readonly reader: ScalingSignalsReader;
  private readonly store: ScalingStore;
  private readonly types = new Map<string, TypeState>();
  private readonly metrics?: AutoscalerMetrics;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private closing?: Promise<void>;

  constructor(private readonly options: AutoscalerOptions) {
    this.reader = new ScalingSignalsReader({
      connection: options.connection,
      names: options.names,
      ...(options.shards && { shards: options.shards }),
    });
    this.store = new ScalingStore(options.connection, {
      names: options.names,
      keepDecisions: options.keepDecisions ?? 100,
    });
    if (options.metrics) this.metrics = autoscalerMetrics(options.metrics);
  }

  /** Starts deciding, from the replicas the executor runs now. */
  start(): Promise<void> {
    if (this.timer || this.closing) return Promise.resolve();
    this.types.clear();
    this.options.logger.info('autoscaler started', {
      agentTypes: this.options.agentTypes,
      executor: this.options.executor.constructor.name,
    });
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.options.intervalMs ?? 1000);
    return Promise.resolve();
  }

  /**
   * Stops deciding (after the decision under way) and empties its gauges, so a supervisor
   * that stands by does not go on exporting a stale desired count. Safe to call twice.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    this.metrics?.desired.reset();
    this.metrics?.actual.reset();
  }

  /** Stops, and closes its queue handles. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.stop().then(() => this.reader.close());
    return this.closing;
  }

  /** Runs one decision for every agent type now. */
  async tick(): Promise<void> {
    const published: AgentTypeScaling[] = [];
    const changes: ScalingDecisionRecord[] = [];
    const live = await this.liveAgents();
    for (const [type, bounds] of Object.entries(this.options.agentTypes)) {
      try {
        const change = await this.decide(type, bounds);
        if (change) changes.push(change);
        published.push(this.published(type, bounds, live?.[type] ?? 0));
      } catch (err) {
        this.options.logger.warn('autoscaler: no decision', {
          agentType: type,
          error: toError(err).message,
        });
      }
    }
    try {
      await this.store.write(published, changes);
    } catch (err) {
      this.options.logger.warn('autoscaler: state not published', { error: toError(err).message });
    }
  }

  private async decide(
    type: string,
    bounds: AutoscaledAgentType,
  ): Promise<ScalingDecisionRecord | undefined> {
    const state = this.stateOf(type);
    const sample = await this.reader.read(
      await this.options.queuesOf(type),
      state.previous?.atMs ?? Date.now(),
    );
    const signals = this.signals(state, sample);
    const o = this.options;
    const decision = decideReplicas(
      signals,
      state.policy,
      {
        minReplicas: bounds.minReplicas,
        maxReplicas: bounds.maxReplicas,
        concurrency: bounds.concurrency,
        targetUtilization: o.targetUtilization ?? 0.7,
        drainSeconds: o.drainSeconds ?? 10,
        maxStepUp: o.maxStepUp ?? 2,
        scaleDownAfterMs: o.scaleDownAfterMs ?? 30_000,
        hysteresis: o.hysteresis ?? 0.2,
      },
      sample.atMs,
    );
    const from = state.policy.current;
    state.desired = decision.desired;
    const { raw, desired, next: to, direction } = decision;
    const record = {
      type,
      at: new Date(sample.atMs).toISOString(),
      direction,
      from,
      to,
      desired,
      raw,
      ...signals,
    };
    if (direction === 'hold') {
      state.policy = decision.state;
      return undefined;
    }
    await this.apply(type, to, direction);
    state.policy = decision.state;
    state.lastDecision = record;
    this.metrics?.decisions.inc({ agent_type: type, direction });
    o.logger.info('autoscaler: replicas changed', { agentType: type, ...record });
    return record;
  }

  /**
   * Scale-up waits for the executor, so a failure leaves the count as it was and the next
   * decision tries again. Scale-down does not: draining workers may take their whole grace
   * period, and the other agent types' decisions must not wait for it.
   */
  private async apply(type: string, to: number, direction: 'up' | 'down'): Promise<void> {
    const applying = this.options.executor.setReplicas(type, to);
    if (direction === 'up') return applying;
    void applying.catch((err: unknown) => {
      this.options.logger.error('autoscaler: scale-down failed', {
        agentType: type,
        replicas: to,
        error: toError(err).message,
      });
      const state = this.types.get(type);
      if (state) state.policy = { current: this.options.executor.actual()[type] ?? to };
    });
  }

  private signals(state: TypeState, sample: QueueSample) {
    const previous = state.previous;
    state.previous = sample;
    if (sample.runSeconds.length > 0) {
      state.meanRunSeconds =
        sample.runSeconds.reduce((a, b) => a + b, 0) / sample.runSeconds.length;
    }
    let arrivalRatePerSecond = 0;
    const elapsedSeconds = previous ? (sample.atMs - previous.atMs) / 1000 : 0;
    if (previous && elapsedSeconds > 0) {
      // Added = what is in the system now − what was then + what finished in between.
      const added = sample.inSystem - previous.inSystem + sample.finishedSince;
      arrivalRatePerSecond = Math.max(0, added) / elapsedSeconds;
    }
    return { arrivalRatePerSecond, backlog: sample.backlog, meanRunSeconds: state.meanRunSeconds };
  }

  private stateOf(type: string): TypeState {
    let state = this.types.get(type);
    if (!state) {
      const current = this.options.executor.actual()[type] ?? 0;
      state = {
        policy: { current },
        meanRunSeconds: (this.options.defaultRunMs ?? 1000) / 1000,
        lastDecision: null,
        desired: current,
      };
      this.types.set(type, state);
    }
    return state;
  }

  private async liveAgents(): Promise<Record<string, number> | undefined> {
    try {
      return await this.options.liveAgents?.();
    } catch (err) {
      this.options.logger.warn('autoscaler: live agents not read', { error: toError(err).message });
      return undefined;
    }
  }

  private published(type: string, bounds: AutoscaledAgentType, live: number): AgentTypeScaling {
    const state = this.stateOf(type);
    const actual = this.options.executor.actual()[type] ?? 0;
    this.metrics?.desired.set({ agent_type: type }, state.desired);
    this.metrics?.actual.set({ agent_type: type }, actual);
    return {
      type,
      min: bounds.minReplicas,
      max: bounds.maxReplicas,
      desired: state.desired,
      actual,
      ...(this.options.liveAgents ? { live } : {}),
      lastDecision: state.lastDecision,
    };
  }
}

function autoscalerMetrics(registry: Registry): AutoscalerMetrics {
  const registers = [registry];
  return {
    desired: reuseMetric(
      registry,
      'tta_autoscaler_desired_replicas',
      () =>
        new Gauge({
          name: 'tta_autoscaler_desired_replicas',
          help: 'Replicas the autoscaler wants per agent type',
          labelNames: ['agent_type'],
          registers,
        }),
    ),
    actual: reuseMetric(
      registry,
      'tta_autoscaler_actual_replicas',
      () =>
        new Gauge({
          name: 'tta_autoscaler_actual_replicas',
          help: 'Replicas running per agent type, as the executor reports them',
          labelNames: ['agent_type'],
          registers,
        }),
    ),
    decisions: reuseMetric(
      registry,
      'tta_autoscaler_decisions_total',
      () =>
        new Counter({
          name: 'tta_autoscaler_decisions_total',
          help: 'Autoscaler decisions that changed the replicas of an agent type, by direction',
          labelNames: ['agent_type', 'direction'],
          registers,
        }),
    ),
  };
}
