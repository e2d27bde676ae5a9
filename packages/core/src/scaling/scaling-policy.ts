/** What the autoscaler measured of one agent type's queues. */
export interface ScalingSignals {
  /** Jobs added per second to the type's queues (λ). */
  arrivalRatePerSecond: number;
  /** Jobs waiting to start: waiting plus prioritized (B). */
  backlog: number;
  /** Mean run time of one job, in seconds (W). */
  meanRunSeconds: number;
}

/** Options of {@link decideReplicas}. */
export interface ScalingPolicyOptions {
  /** Fewest replicas. */
  minReplicas: number;
  /** Most replicas. */
  maxReplicas: number;
  /** Jobs one replica runs at once (C). */
  concurrency: number;
  /** Share of the capacity meant to be busy, in (0, 1]. */
  targetUtilization: number;
  /** Seconds in which the backlog should drain. */
  drainSeconds: number;
  /** Most replicas added by one decision. */
  maxStepUp: number;
  /** How long the load must stay low before one replica is removed, in ms. */
  scaleDownAfterMs: number;
  /**
   * Headroom of the scale-down test: replicas are removed only while
   * `ceil(raw × (1 + hysteresis))` is below the current count. Default: 0.2.
   */
  hysteresis?: number;
}

/** The state the policy carries from one decision to the next. */
export interface ScalingState {
  /** Replicas running or requested now. */
  current: number;
  /** Since when (epoch ms) the load has allowed fewer replicas; none while it does not. */
  lowSinceMs?: number;
}

/** One decision of {@link decideReplicas}. */
export interface ScalingDecision {
  /** `(λ·W + B / drainSeconds) / (C · targetUtilization)`, unrounded. */
  raw: number;
  /** `ceil(raw)` clamped to [min, max]. */
  desired: number;
  /** Replicas to run from now on. */
  next: number;
  /** Whether `next` adds, removes or keeps replicas. */
  direction: 'up' | 'down' | 'hold';
  /** The state to pass to the next decision. */
  state: ScalingState;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}

/**
 * Decides how many replicas an agent type should run, by Little's law: in-flight jobs
 * `L = λ·W`, plus the backlog drained within `drainSeconds`, over the useful capacity of one
 * replica `C · targetUtilization`. Scales up at once by at most `maxStepUp`; scales down one
 * replica at a time, only once the load (with the hysteresis headroom) has fitted in fewer
 * replicas for `scaleDownAfterMs`. Pure: the same inputs always give the same decision.
 */
export function decideReplicas(
  signals: ScalingSignals,
  state: ScalingState,
  options: ScalingPolicyOptions,
  nowMs: number,
): ScalingDecision {
  const { minReplicas: min, maxReplicas: max } = options;
  const inFlight = Math.max(0, signals.arrivalRatePerSecond) * Math.max(0, signals.meanRunSeconds);
  const drain = Math.max(0, signals.backlog) / options.drainSeconds;
  const raw = (inFlight + drain) / (options.concurrency * options.targetUtilization);
  const desired = clamp(Math.ceil(raw), min, max);
  const current = state.current;
  const hold = (lowSinceMs?: number): ScalingDecision => ({
    raw,
    desired,
    next: current,
    direction: 'hold',
    state: lowSinceMs === undefined ? { current } : { current, lowSinceMs },
  });
  if (current < min || desired > current) {
    const next = current < min ? min : Math.min(desired, current + options.maxStepUp);
    return { raw, desired, next, direction: 'up', state: { current: next } };
  }
  if (current > max) {
    return { raw, desired, next: max, direction: 'down', state: { current: max } };
  }
  const withHeadroom = clamp(Math.ceil(raw * (1 + (options.hysteresis ?? 0.2))), min, max);
  if (withHeadroom >= current) return hold();
  const lowSinceMs = state.lowSinceMs ?? nowMs;
  if (nowMs - lowSinceMs < options.scaleDownAfterMs) return hold(lowSinceMs);
  const next = current - 1;
  // The quiet period starts over after each step down, so removals stay one at a time.
  return { raw, desired, next, direction: 'down', state: { current: next, lowSinceMs: nowMs } };
}
