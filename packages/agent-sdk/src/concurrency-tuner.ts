import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import { reuseMetric, type Logger, type TaskJobData, type TaskJobResult } from '@tta/core';
import type { Worker } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import type { AgentRuntime } from './agent-runtime';
import { decideConcurrency, type TuningLimits, type TuningSample } from './concurrency-rule';

/** How an agent tunes its concurrency at run time (see {@link decideConcurrency}). */
export interface ConcurrencyTuningOptions {
  /** Whether the concurrency is tuned at all. Default: false (it stays as configured). */
  enabled?: boolean;
  /** Lowest concurrency per queue. Default: 1. */
  minConcurrency?: number;
  /** Highest concurrency per queue. Default: 4 × the starting concurrency. */
  maxConcurrency?: number;
  /** Time between two decisions. Default: 1000 ms. */
  intervalMs?: number;
  /** Event-loop delay (p99 over an interval) above which the concurrency decreases. Default: 100 ms. */
  maxEventLoopDelayMs?: number;
  /** Event-loop utilization (0 to 1, over an interval) above which the concurrency decreases. Default: 0.9. */
  maxEventLoopUtilization?: number;
  /** How much the mean run time may exceed the best one observed and still allow an increase. Default: 1.5. */
  latencyTolerance?: number;
}

/** {@link ConcurrencyTuningOptions} with defaults filled in. */
export type ResolvedConcurrencyTuningOptions = Required<Omit<ConcurrencyTuningOptions, 'enabled'>>;

/** Options of {@link ConcurrencyTuner}. */
export interface ConcurrencyTunerOptions {
  /** The runtime whose task events are observed. */
  runtime: AgentRuntime;
  /** The runtime's workers (a live list): each gets the new concurrency. */
  workers: readonly Worker<TaskJobData, TaskJobResult>[];
  /** Agent type, the label of the `tta_agent_concurrency` gauge. */
  agentType: string;
  /** The starting concurrency per queue. */
  concurrency: number;
  /** Bounds and thresholds. */
  tuning: ConcurrencyTuningOptions;
  /** Where each change is logged, with its inputs (with `agentId` and `agentType`). */
  logger: Logger;
  /** Id of the agent, on the log lines. */
  agentId: string;
  /** Where the `tta_agent_concurrency` gauge goes; none when absent. */
  metrics?: Registry;
}

/** Fills defaults and checks combinations; throws at once on a bad value. */
export function resolveConcurrencyTuningOptions(
  tuning: ConcurrencyTuningOptions,
  concurrency: number,
): ResolvedConcurrencyTuningOptions {
  const resolved: ResolvedConcurrencyTuningOptions = {
    minConcurrency: tuning.minConcurrency ?? 1,
    maxConcurrency: tuning.maxConcurrency ?? Math.max(concurrency * 4, tuning.minConcurrency ?? 1),
    intervalMs: tuning.intervalMs ?? 1000,
    maxEventLoopDelayMs: tuning.maxEventLoopDelayMs ?? 100,
    maxEventLoopUtilization: tuning.maxEventLoopUtilization ?? 0.9,
    latencyTolerance: tuning.latencyTolerance ?? 1.5,
  };
  for (const key of ['minConcurrency', 'maxConcurrency', 'intervalMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] <= 0) {
      throw new TypeError(`ConcurrencyTuner: ${key} must be a positive integer`);
    }
  }
  if (resolved.minConcurrency > resolved.maxConcurrency) {
    throw new TypeError('ConcurrencyTuner: minConcurrency must not exceed maxConcurrency');
  }
  if (!(resolved.maxEventLoopDelayMs > 0) || !(resolved.latencyTolerance >= 1)) {
    throw new TypeError(
      'ConcurrencyTuner: maxEventLoopDelayMs must be positive and latencyTolerance at least 1',
    );
  }
  const elu = resolved.maxEventLoopUtilization;
  if (!(elu > 0 && elu <= 1)) {
    throw new TypeError('ConcurrencyTuner: maxEventLoopUtilization must be in (0, 1]');
  }
  return resolved;
}

/** A {@link ConcurrencyTuner} when `tuning.enabled`, else none. */
export function createConcurrencyTuner(
  options: Omit<ConcurrencyTunerOptions, 'tuning'> & { tuning?: ConcurrencyTuningOptions },
): ConcurrencyTuner | undefined {
  const { tuning } = options;
  return tuning?.enabled ? new ConcurrencyTuner({ ...options, tuning }) : undefined;
}

/**
 * Tunes an agent's concurrency at run time: every `intervalMs` it reads the event-loop delay
 * (p99) and utilization, the mean run time and number of the tasks that finished, and the utilization
 * (time-weighted running tasks / concurrency), asks {@link decideConcurrency} and sets the
 * result on every worker of the runtime (BullMQ applies it at once).
 */
export class ConcurrencyTuner {
  private current: number;
  private readonly limits: TuningLimits;
  private readonly intervalMs: number;
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly gauge?: Gauge<'agent_type'>;
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private elu?: EventLoopUtilization;
  private bestRunMs?: number;
  private active = 0;
  private activeArea = 0;
  private changedAt = 0;
  private intervalStartedAt = 0;
  private finished = 0;
  private completed = 0;
  private runMsSum = 0;

  constructor(private readonly options: ConcurrencyTunerOptions) {
    const resolved = resolveConcurrencyTuningOptions(options.tuning, options.concurrency);
    this.limits = { ...resolved, saturation: 0.9 };
    this.intervalMs = resolved.intervalMs;
    this.log = options.logger.child({ agentId: options.agentId, agentType: options.agentType });
    this.current = Math.min(
      resolved.maxConcurrency,
      Math.max(resolved.minConcurrency, options.concurrency),
    );
    this.gauge =
      options.metrics &&
      reuseMetric(
        options.metrics,
        'tta_agent_concurrency',
        () =>
          new Gauge({
            name: 'tta_agent_concurrency',
            help: 'Jobs a worker runs at once per queue, as the concurrency tuner set it',
            labelNames: ['agent_type'],
            registers: [options.metrics as Registry],
          }),
      );
  }

  /** The concurrency per queue now (the starting one clamped to the bounds, then as tuned). */
  get concurrency(): number {
    return this.current;
  }

  /** Starts observing and deciding; call before the runtime's workers take jobs. */
  start(): void {
    const { runtime } = this.options;
    runtime.on('task:started', this.onStarted);
    runtime.on('task:completed', this.onCompleted);
    runtime.on('task:failed', this.onFailed);
    this.delay.enable();
    this.elu = performance.eventLoopUtilization();
    this.intervalStartedAt = this.changedAt = Date.now();
    this.gauge?.set({ agent_type: this.options.agentType }, this.current);
    // Half the interval, so a decision driven by a finished task does not delay the next by one.
    this.timer = setInterval(() => this.tickIfDue(), this.intervalMs / 2);
  }

  /** Stops observing; safe to call twice. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.delay.disable();
    const { runtime } = this.options;
    runtime.off('task:started', this.onStarted);
    runtime.off('task:completed', this.onCompleted);
    runtime.off('task:failed', this.onFailed);
  }

  private readonly onStarted = (): void => this.setActive(this.active + 1);

  private readonly onCompleted = (_taskId: string, _capability: string, runMs: number): void => {
    this.completed += 1;
    this.runMsSum += runMs;
    this.onFailed();
  };

  private readonly onFailed = (): void => {
    this.finished += 1;
    this.setActive(Math.max(0, this.active - 1));
    // A CPU-bound agent starves its own timers (that is what it is being tuned for), so
    // finished tasks also drive the decisions once an interval has passed.
    this.tickIfDue();
  };

  private tickIfDue(): void {
    if (this.timer && Date.now() - this.intervalStartedAt >= this.intervalMs) this.tick();
  }

  private setActive(active: number, now = Date.now()): void {
    this.activeArea += this.active * (now - this.changedAt);
    this.changedAt = now;
    this.active = active;
  }

  private tick(): void {
    const now = Date.now();
    // Resynchronise with the runtime: a task handed back on shutdown reports no end.
    this.setActive(this.options.runtime.activeTasks, now);
    const elapsedMs = Math.max(1, now - this.intervalStartedAt);
    const sample: TuningSample = {
      concurrency: this.current,
      eventLoopDelayP99Ms: this.delay.count > 0 ? this.delay.percentile(99) / 1e6 : 0,
      eventLoopUtilization: performance.eventLoopUtilization(this.elu).utilization,
      finished: this.finished,
      meanRunMs: this.completed > 0 ? this.runMsSum / this.completed : undefined,
      utilization: this.activeArea / (elapsedMs * this.current),
    };
    const decision = decideConcurrency(sample, this.bestRunMs, this.limits);
    if (sample.meanRunMs !== undefined) {
      this.bestRunMs = Math.min(this.bestRunMs ?? Infinity, sample.meanRunMs);
    }
    if (decision.concurrency !== this.current) this.apply(decision.concurrency, decision, sample);
    this.delay.reset();
    this.elu = performance.eventLoopUtilization();
    this.intervalStartedAt = now;
    this.activeArea = this.finished = this.completed = this.runMsSum = 0;
  }

  private apply(next: number, decision: { reason: string }, sample: TuningSample): void {
    for (const worker of this.options.workers) worker.concurrency = next;
    this.log.info('concurrency changed', {
      from: this.current,
      to: next,
      reason: decision.reason,
      eventLoopDelayP99Ms: Math.round(sample.eventLoopDelayP99Ms),
      eventLoopUtilization: Math.round(sample.eventLoopUtilization * 100) / 100,
      meanRunMs: sample.meanRunMs === undefined ? undefined : Math.round(sample.meanRunMs),
      finished: sample.finished,
      utilization: Math.round(sample.utilization * 100) / 100,
      bestRunMs: this.bestRunMs === undefined ? undefined : Math.round(this.bestRunMs),
    });
    this.current = next;
    this.gauge?.set({ agent_type: this.options.agentType }, next);
  }
}
