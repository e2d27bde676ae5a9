/** How big the reliability suite runs: `full` for `npm run test:reliability`, `short` inside `npm test`. */
export type ReliabilityScaleName = 'short' | 'full';

/** Sizes and time bounds of every reliability test at one scale. */
export interface ReliabilityScale {
  name: ReliabilityScaleName;
  chaos: {
    /** Tasks enqueued through the API. */
    tasks: number;
    /** Worker processes of the chaos agent type. */
    workers: number;
    /** Jobs each worker runs at once. */
    concurrency: number;
    /** Time over which the tasks are enqueued, in evenly spaced batches. */
    enqueueOverMs: number;
    /** Work time of a task: a random duration in this range (ms). */
    taskMs: [number, number];
    /** Time between two SIGKILLs of a random worker: a random duration in this range (ms). */
    killEveryMs: [number, number];
    /** Jest timeout of the test. */
    timeoutMs: number;
  };
  redisRestart: {
    /** How each restart stops Redis, in order; one restart per entry. */
    stops: Array<'SIGTERM' | 'SIGKILL'>;
    /** Time tasks are enqueued before the first restart, between restarts and after the last one. */
    phaseMs: number;
    /** How long Redis stays down at each restart. */
    downMs: number;
    timeoutMs: number;
  };
  redisDown: {
    /** How long Redis stays unreachable. */
    downMs: number;
    /** Requests sent while it is (each must be answered 503 promptly). */
    requests: number;
    timeoutMs: number;
  };
  poison: {
    /** Normal tasks of each phase (without, then with poison tasks). */
    normalTasks: number;
    /** Poison tasks of each kind: throw, hang, crash. */
    poisonPerKind: number;
    timeoutMs: number;
  };
  fuzz: {
    /** Hostile requests sent. */
    requests: number;
    timeoutMs: number;
  };
  soak: {
    /** Time under steady load. */
    durationMs: number;
    /** Time between two samples of memory and key count. */
    sampleEveryMs: number;
    /** Player turns (workflow runs) started per second. */
    turnsPerSecond: number;
    /** Single tasks enqueued per second. */
    tasksPerSecond: number;
    timeoutMs: number;
  };
}

const SHORT: ReliabilityScale = {
  name: 'short',
  chaos: {
    tasks: 1000,
    workers: 3,
    concurrency: 16,
    enqueueOverMs: 5000,
    taskMs: [10, 150],
    killEveryMs: [300, 900],
    timeoutMs: 90_000,
  },
  redisRestart: { stops: ['SIGTERM'], phaseMs: 3000, downMs: 1000, timeoutMs: 60_000 },
  redisDown: { downMs: 3000, requests: 20, timeoutMs: 60_000 },
  poison: { normalTasks: 3000, poisonPerKind: 1, timeoutMs: 90_000 },
  fuzz: { requests: 400, timeoutMs: 60_000 },
  soak: {
    durationMs: 20_000,
    sampleEveryMs: 1000,
    turnsPerSecond: 4,
    tasksPerSecond: 20,
    timeoutMs: 90_000,
  },
};

const FULL: ReliabilityScale = {
  name: 'full',
  chaos: {
    tasks: 10_000,
    workers: 3,
    concurrency: 16,
    enqueueOverMs: 60_000,
    taskMs: [10, 150],
    killEveryMs: [300, 1500],
    timeoutMs: 300_000,
  },
  redisRestart: {
    stops: ['SIGTERM', 'SIGKILL'],
    phaseMs: 8000,
    downMs: 2000,
    timeoutMs: 120_000,
  },
  redisDown: { downMs: 10_000, requests: 100, timeoutMs: 90_000 },
  poison: { normalTasks: 10_000, poisonPerKind: 3, timeoutMs: 180_000 },
  fuzz: { requests: 4000, timeoutMs: 180_000 },
  soak: {
    durationMs: 300_000,
    sampleEveryMs: 5000,
    turnsPerSecond: 4,
    tasksPerSecond: 20,
    timeoutMs: 380_000,
  },
};

/** The scale of this run: `TTA_RELIABILITY=full` selects the full one. */
export const scale: ReliabilityScale = process.env.TTA_RELIABILITY === 'full' ? FULL : SHORT;
