/** How the bench configures a consumer process (JSON in its first argument). */
export interface ConsumerProcessConfig {
  /** Bare BullMQ workers, or this system's agent runtime. */
  kind: 'bullmq' | 'runtime';
  /** Redis URL. */
  redisUrl: string;
  /** Key prefix (a hash tag) of the queue. */
  prefix: string;
  /** The capability whose generic queue is consumed. */
  capability: string;
  /** Jobs run at once. */
  concurrency: number;
  /** How long each handler awaits (simulated I/O), ms; 0 returns at once. */
  operationMs: number;
  /** Whether handler starts are reported (`starts` messages, by `input.seq`). */
  recordStarts: boolean;
}

/** Counters of a consumer process since it started. */
export interface ConsumerCounters {
  /** When they were read (epoch ms, sub-millisecond). */
  at: number;
  /** Handlers started. */
  started: number;
  /** Handlers finished. */
  completed: number;
  /** Handlers running now. */
  active: number;
  /** ∫ active dt, in job-milliseconds: over a window, its difference / the window = mean in flight. */
  activeIntegralMs: number;
  /** Sum of handler run times, ms. */
  runMsSum: number;
}

/** A message from a consumer process to the bench. */
export type ConsumerMessage =
  | { type: 'ready' }
  /** Pairs of `input.seq` and the handler's start (epoch ms, sub-millisecond), flattened. */
  | { type: 'starts'; starts: number[] }
  | { type: 'sample'; counters: ConsumerCounters }
  | { type: 'stopped'; counters: ConsumerCounters };
