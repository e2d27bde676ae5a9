/** What a {@link ConcurrencyTuner} observed over one interval. */
export interface TuningSample {
  /** Concurrency (per queue) during the interval. */
  concurrency: number;
  /** 99th percentile of the event-loop delay over the interval, in ms. */
  eventLoopDelayP99Ms: number;
  /**
   * Share of the interval the event loop was busy (0 to 1). Unlike the delay, it is measured
   * without timers, so it holds when a CPU-bound handler starves them.
   */
  eventLoopUtilization: number;
  /** Tasks that finished (completed or failed) in the interval. */
  finished: number;
  /** Mean handler run time of the tasks that completed in the interval; none when none did. */
  meanRunMs?: number;
  /** Time-weighted mean of the running tasks over the interval, divided by `concurrency`. */
  utilization: number;
}

/** The bounds and thresholds of {@link decideConcurrency}. */
export interface TuningLimits {
  /** Lowest concurrency. */
  minConcurrency: number;
  /** Highest concurrency. */
  maxConcurrency: number;
  /** Event-loop delay (p99, ms) above which the process counts as overloaded. */
  maxEventLoopDelayMs: number;
  /** Event-loop utilization above which the process counts as overloaded (CPU-bound). */
  maxEventLoopUtilization: number;
  /** How much the mean run time may exceed the best one observed and still allow an increase. */
  latencyTolerance: number;
  /** Utilization at or above which the agent counts as saturated. */
  saturation: number;
}

/** The outcome of {@link decideConcurrency}: the next concurrency and why. */
export interface TuningDecision {
  /** Concurrency for the next interval. */
  concurrency: number;
  /** `overloaded` (decrease), `saturated` (increase) or `hold`. */
  reason: 'overloaded' | 'saturated' | 'hold';
}

/**
 * The concurrency tuning rule (AIMD-like), a pure function of one interval's sample:
 * 1. event-loop delay p99 above `maxEventLoopDelayMs`, or event-loop utilization above
 *    `maxEventLoopUtilization`: the process is CPU-bound or overloaded, and more tasks at once
 *    only make each slower, so decrease multiplicatively (×0.7, by at least 1);
 * 2. otherwise, when the agent is saturated (utilization at or above `saturation`, so work is
 *    waiting for a slot), at least one task completed and the mean run time is within
 *    `latencyTolerance` × `bestRunMs` (the best mean observed so far): the work waits on I/O
 *    and more of it at once helps, so increase additively (+10%, at least 1);
 * 3. otherwise hold.
 * The result always lies in [`minConcurrency`, `maxConcurrency`].
 */
export function decideConcurrency(
  sample: TuningSample,
  bestRunMs: number | undefined,
  limits: TuningLimits,
): TuningDecision {
  const current = clamp(sample.concurrency, limits);
  if (
    sample.eventLoopDelayP99Ms > limits.maxEventLoopDelayMs ||
    sample.eventLoopUtilization > limits.maxEventLoopUtilization
  ) {
    const lower = Math.min(Math.floor(current * 0.7), current - 1);
    return { concurrency: clamp(lower, limits), reason: 'overloaded' };
  }
  const latencyOk =
    sample.meanRunMs !== undefined &&
    (bestRunMs === undefined || sample.meanRunMs <= bestRunMs * limits.latencyTolerance);
  if (sample.utilization >= limits.saturation && latencyOk) {
    const higher = current + Math.max(1, Math.floor(current * 0.1));
    return { concurrency: clamp(higher, limits), reason: 'saturated' };
  }
  return { concurrency: current, reason: 'hold' };
}

function clamp(value: number, limits: TuningLimits): number {
  return Math.min(limits.maxConcurrency, Math.max(limits.minConcurrency, value));
}
