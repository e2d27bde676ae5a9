/** Every setting of a bench run; each comes from a `BENCH_*` environment variable. */
export interface BenchSettings {
  /** Redis to use (`BENCH_REDIS_URL`); empty: a private `redis-server` started for the run. */
  redisUrl: string;
  /** Scenarios to run (`BENCH_ONLY=a,b`); empty: all of them. */
  only: string[];
  /** Throughput: no-op jobs per round (`BENCH_JOBS`). */
  jobs: number;
  /** Throughput: concurrency of both consumers (`BENCH_CONCURRENCY`). */
  concurrency: number;
  /** Throughput: counted rounds of each consumer (`BENCH_ROUNDS`). */
  rounds: number;
  /** HTTP enqueue: autocannon connections (`BENCH_HTTP_CONNECTIONS`). */
  httpConnections: number;
  /** HTTP enqueue: seconds of each counted round (`BENCH_HTTP_SECONDS`). */
  httpSeconds: number;
  /** HTTP enqueue: counted rounds of each server, alternating (`BENCH_HTTP_ROUNDS`). */
  httpRounds: number;
  /** Coordination: tasks per second (`BENCH_COORDINATION_RATE`). */
  coordinationRate: number;
  /** Coordination: seconds at that rate, after one second of warm-up (`BENCH_COORDINATION_SECONDS`). */
  coordinationSeconds: number;
  /** Coordination: concurrency of the consumer (`BENCH_COORDINATION_CONCURRENCY`). */
  coordinationConcurrency: number;
  /** Concurrency: operations in flight (`BENCH_INFLIGHT`). */
  inFlight: number;
  /** Concurrency: how long each operation awaits I/O, ms (`BENCH_OPERATION_MS`). */
  operationMs: number;
  /** Concurrency: seconds measured per consumer, after the warm-up (`BENCH_CONCURRENCY_SECONDS`). */
  concurrencySeconds: number;
  /** Concurrency: worker processes sharing the in-flight operations (`BENCH_CONCURRENCY_PROCESSES`). */
  concurrencyProcesses: number;
  /** Failover: agents killed (`BENCH_FAILOVER_KILLS`). */
  failoverKills: number;
  /** Player turn: turns started per second (`BENCH_TURN_RATE`). */
  turnRate: number;
  /** Player turn: seconds at that rate (`BENCH_TURN_SECONDS`). */
  turnSeconds: number;
  /** Memory: player turns per second through the API while under load (`BENCH_MEMORY_TURN_RATE`). */
  memoryTurnRate: number;
  /** Memory: seconds under load (`BENCH_MEMORY_SECONDS`). */
  memorySeconds: number;
  /** When set, every Node.js child process writes a CPU profile into this directory (`BENCH_PROFILE_DIR`). */
  profileDir: string;
  /** Whether `latest.json`, `docs/BENCHMARKS.md` and the charts are written (`BENCH_WRITE=1`/`0`; default: only by a full run). */
  write: boolean;
}

function numberOf(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, got '${text}'`);
  }
  return value;
}

/** Reads the settings from the environment; defaults keep a full run near 10 minutes on 2 cores. */
export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const only = (env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    redisUrl: env.BENCH_REDIS_URL ?? '',
    only,
    jobs: numberOf(env, 'BENCH_JOBS', 20_000),
    concurrency: numberOf(env, 'BENCH_CONCURRENCY', 16),
    rounds: numberOf(env, 'BENCH_ROUNDS', 5),
    httpConnections: numberOf(env, 'BENCH_HTTP_CONNECTIONS', 32),
    httpSeconds: numberOf(env, 'BENCH_HTTP_SECONDS', 5),
    httpRounds: numberOf(env, 'BENCH_HTTP_ROUNDS', 4),
    coordinationRate: numberOf(env, 'BENCH_COORDINATION_RATE', 1000),
    coordinationSeconds: numberOf(env, 'BENCH_COORDINATION_SECONDS', 15),
    coordinationConcurrency: numberOf(env, 'BENCH_COORDINATION_CONCURRENCY', 64),
    inFlight: numberOf(env, 'BENCH_INFLIGHT', 1000),
    operationMs: numberOf(env, 'BENCH_OPERATION_MS', 200),
    concurrencySeconds: numberOf(env, 'BENCH_CONCURRENCY_SECONDS', 60),
    concurrencyProcesses: numberOf(env, 'BENCH_CONCURRENCY_PROCESSES', 1),
    failoverKills: numberOf(env, 'BENCH_FAILOVER_KILLS', 10),
    turnRate: numberOf(env, 'BENCH_TURN_RATE', 20),
    turnSeconds: numberOf(env, 'BENCH_TURN_SECONDS', 15),
    memoryTurnRate: numberOf(env, 'BENCH_MEMORY_TURN_RATE', 50),
    memorySeconds: numberOf(env, 'BENCH_MEMORY_SECONDS', 15),
    profileDir: env.BENCH_PROFILE_DIR ?? '',
    write: env.BENCH_WRITE === undefined ? only.length === 0 : env.BENCH_WRITE !== '0',
  };
}
