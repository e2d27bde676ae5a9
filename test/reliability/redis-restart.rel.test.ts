import {
  isAlive,
  seededRandom,
  startRedisServer,
  waitFor,
  type RedisServer,
} from '@tta/test-utils';
import { waitForReady } from '@tta/core';
import { connectTo, startFleet, type Fleet } from './fleet';
import { recordResult } from './results';
import { scale } from './scale';
import { outcomeNumbers, TaskOutcomeTracker } from './task-outcomes';
import { pace } from './pace';

const WORKERS = 2;
const BATCH = 10;
const PRODUCE_EVERY_MS = 100;
const { redisRestart } = scale;

/** What the test saw around one restart of Redis. */
interface RestartRecord {
  stop: 'SIGTERM' | 'SIGKILL';
  downMs: number;
  /** From Redis answering again to the API's /readyz answering 200. */
  apiReadyAfterMs: number;
  /** From Redis answering again to the first task accepted. */
  firstAcceptedAfterMs: number;
  /** From Redis answering again to the first task completed by a worker. */
  firstCompletedAfterMs: number;
}

// Redis with append-only persistence (fsync on every write) is stopped in the middle of a
// steady flow of tasks, cleanly (SIGTERM) and at full scale also abruptly (SIGKILL), and started
// again on the same port and data. Every process must reconnect by itself (same pids, nothing
// restarted) and every task the API accepted must end completed or dead-lettered.
describe(`Redis restart (${scale.name}): ${redisRestart.stops.join(', ')} mid-run`, () => {
  let server: RedisServer;
  let fleet: Fleet;
  let tracker: TaskOutcomeTracker;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: true });
    fleet = await startFleet({ redisUrl: server.url, chaosWorkers: WORKERS, chaosConcurrency: 8 });
    tracker = new TaskOutcomeTracker(
      fleet.redis,
      fleet.names,
      fleet.names.capability('test.chaos'),
    );
    await tracker.start();
    await fleet.liveAgents('chaos', WORKERS);
  }, 60_000);

  afterAll(async () => {
    await tracker?.close();
    await fleet?.close();
    await server?.close();
  }, 30_000);

  it(
    'every process reconnects by itself and no accepted task is lost',
    async () => {
      const random = seededRandom(8_2002);
      const workersBefore = (await fleet.liveAgents('chaos', WORKERS)).sort();
      const accepted: string[] = [];
      const refusals: Record<string, number> = {};
      let lastAcceptedAt = 0;
      let producing = true;
      const produce = async () => {
        while (producing) {
          const tasks = Array.from({ length: BATCH }, () => ({
            capability: 'test.chaos',
            input: { ms: random.int(5, 30), record: 'runs' },
          }));
          const answer = await fleet.call('POST', '/v1/tasks/batch', { tasks }, 2000);
          if (answer.status === 202) {
            for (const t of (answer.body as { tasks: Array<{ id: string }> }).tasks) {
              accepted.push(t.id);
            }
            lastAcceptedAt = Date.now();
          } else {
            refusals[answer.status] = (refusals[answer.status] ?? 0) + 1;
          }
          await pace(PRODUCE_EVERY_MS);
        }
      };
      const producer = produce();
      const restarts: RestartRecord[] = [];
      try {
        await pace(redisRestart.phaseMs);
        for (const stop of redisRestart.stops) {
          restarts.push(await restartRedis(stop, () => lastAcceptedAt));
          await pace(redisRestart.phaseMs);
        }
      } finally {
        producing = false;
        await producer;
      }
      await tracker.settle(accepted.length, 30_000);
      const outcomes = await tracker.outcomes(accepted);
      const workersAfter = (await fleet.liveAgents('chaos', WORKERS)).sort();
      const processes = {
        apiAlive: isAlive(fleet.api?.child.pid ?? 0),
        supervisorAlive: isAlive(fleet.supervisor?.child.pid ?? 0),
        workersKept: workersAfter.filter((pid) => workersBefore.includes(pid)).length,
      };
      recordResult(scale.name, 'redis-restart', {
        restarts,
        refusals,
        ...outcomeNumbers(outcomes),
        ...processes,
      });

      expect(processes).toEqual({ apiAlive: true, supervisorAlive: true, workersKept: WORKERS });
      expect(accepted.length).toBeGreaterThan(0);
      expect(outcomes.lostIds).toEqual([]);
      expect(outcomes.completedTwice).toBe(0);
      expect(outcomes.completed + outcomes.deadLettered).toBe(accepted.length);
      for (const r of restarts) {
        expect(r.apiReadyAfterMs).toBeLessThan(5000);
        expect(r.firstCompletedAfterMs).toBeLessThan(10_000);
      }
      // Only 503s while Redis was away: no 5xx of another kind, no request left unanswered.
      expect(Object.keys(refusals).filter((status) => status !== '503')).toEqual([]);
    },
    redisRestart.timeoutMs,
  );

  async function restartRedis(
    stop: 'SIGTERM' | 'SIGKILL',
    lastAcceptedAt: () => number,
  ): Promise<RestartRecord> {
    const stoppedAt = Date.now();
    await server.stop(stop);
    await pace(redisRestart.downMs);
    await server.start();
    const upAt = Date.now();
    // How long after Redis came back `check` first held (Infinity: not within 20 s).
    const after = (check: () => Promise<boolean> | boolean): Promise<number> =>
      waitFor(check, { timeoutMs: upAt + 20_000 - Date.now(), intervalMs: 25 }).then(
        () => Date.now() - upAt,
        () => Infinity,
      );
    // A connection of its own, so that the test's reconnection delay does not count.
    const probe = connectTo(server.url);
    await waitForReady(probe, 5000);
    const completedKey = `${fleet.names.prefix}:${fleet.names.capability('test.chaos')}:completed`;
    try {
      const completedBefore = await probe.zcard(completedKey);
      const [apiReadyAfterMs, firstAcceptedAfterMs, firstCompletedAfterMs] = await Promise.all([
        after(async () => (await fleet.call('GET', '/readyz', undefined, 1000)).status === 200),
        after(() => lastAcceptedAt() > upAt),
        after(async () => (await probe.zcard(completedKey)) > completedBefore),
      ]);
      return {
        stop,
        downMs: upAt - stoppedAt,
        apiReadyAfterMs,
        firstAcceptedAfterMs,
        firstCompletedAfterMs,
      };
    } finally {
      probe.disconnect();
    }
  }
});
