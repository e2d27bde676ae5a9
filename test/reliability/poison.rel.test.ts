import { seededRandom, testRedisUrl, waitFor } from '@tta/test-utils';
import { startFleet, type Fleet } from './fleet';
import { recordResult } from './results';
import { scale } from './scale';
import { TaskOutcomeTracker } from './task-outcomes';

const WORKERS = 3;
const CONCURRENCY = 8;
const ATTEMPTS = 3;
/** `worker.maxStalledCount` of the default config. */
const MAX_STALLED_COUNT = 2;
const HANG_TIMEOUT_MS = 1000;
const BATCH = 500;
/** A handler that throws on every attempt, hangs past its timeout, or crashes its process. */
type PoisonKind = 'throw' | 'hang' | 'crash';
const { poison } = scale;

/** The reason each kind of poison task must be dead-lettered with. */
const REASONS: Record<PoisonKind, RegExp> = {
  throw: new RegExp(`^poison: task \\S+ throws on attempt ${ATTEMPTS}$`),
  hang: new RegExp(`^task \\S+ timed out after ${HANG_TIMEOUT_MS} ms$`),
  crash: /^job stalled more than allowable limit$/,
};

interface Phase {
  normalIds: string[];
  poisonIds: Map<string, PoisonKind>;
  /** From the first task enqueued to the last normal task completed or dead-lettered. */
  ms: number;
}

// Poison tasks among normal ones on the same fleet: a handler that throws, one that hangs past
// its timeout ignoring its abort signal, and one that crashes its worker process. Each must be
// contained (retried, then dead-lettered with its reason) while the normal tasks keep most of
// the throughput they have without poison.
describe(`poison tasks (${scale.name}): ${poison.poisonPerKind} of each kind among ${poison.normalTasks} normal ones`, () => {
  let fleet: Fleet;
  let tracker: TaskOutcomeTracker;
  const random = seededRandom(8_2004);

  beforeAll(async () => {
    fleet = await startFleet({
      redisUrl: testRedisUrl(),
      chaosWorkers: WORKERS,
      chaosConcurrency: CONCURRENCY,
      chaosCapability: { attempts: ATTEMPTS, backoffMs: 100 },
    });
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
  }, 30_000);

  async function enqueueAll(tasks: unknown[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < tasks.length; i += BATCH) {
      const answer = await fleet.call('POST', '/v1/tasks/batch', {
        tasks: tasks.slice(i, i + BATCH),
      });
      expect(answer.status).toBe(202);
      ids.push(...(answer.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id));
    }
    return ids;
  }

  async function runPhase(
    kinds: readonly PoisonKind[],
    normalTasks = poison.normalTasks,
  ): Promise<Phase> {
    await fleet.liveAgents('chaos', WORKERS);
    const normal = Array.from({ length: normalTasks }, () => ({
      capability: 'test.chaos',
      input: { ms: random.int(20, 60), record: 'runs' },
    }));
    const poisonTasks = kinds.map((kind) => ({
      capability: 'test.chaos',
      input: { poison: kind, record: 'runs' },
      ...(kind === 'hang' && { timeoutMs: HANG_TIMEOUT_MS }),
    }));
    const started = Date.now();
    // The poison goes first, so that it strikes while the normal tasks flow.
    const poisonIds = await enqueueAll(poisonTasks);
    const normalIds = await enqueueAll(normal);
    await waitFor(
      async () => {
        const completed = tracker.completionsOf(normalIds);
        if (completed === normalIds.length) return true;
        const dead = await tracker.deadLettered();
        return completed + normalIds.filter((id) => dead.has(id)).length === normalIds.length;
      },
      { timeoutMs: poison.timeoutMs / 3, intervalMs: 50, what: 'the normal tasks to finish' },
    );
    return {
      normalIds,
      poisonIds: new Map(poisonIds.map((id, i) => [id, kinds[i] as PoisonKind])),
      ms: Date.now() - started,
    };
  }

  /** Waits until every poison task of a phase is dead-lettered, and returns what they became. */
  async function poisonOutcomes(phase: Phase) {
    const dead = await waitFor(
      async () => {
        const entries = await tracker.deadLettered();
        return [...phase.poisonIds.keys()].every((id) => entries.has(id)) && entries;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'every poison task to be dead-lettered' },
    );
    const runs = await fleet.redis.hgetall(fleet.names.key('chaos', 'runs'));
    return {
      collateral: phase.normalIds.filter((id) => dead.has(id)).length,
      completed: tracker.completionsOf(phase.normalIds),
      poison: [...phase.poisonIds].map(([id, kind]) => ({
        kind,
        reason: dead.get(id)?.error.message ?? '',
        attempts: dead.get(id)?.attempts,
        runs: Number(runs[id] ?? 0),
      })),
    };
  }

  it(
    'dead-letters each poison task with its reason and keeps the throughput of the others',
    async () => {
      const many = (kind: PoisonKind) => Array<PoisonKind>(poison.poisonPerKind).fill(kind);
      await runPhase([], poison.normalTasks / 5); // warms the workers up, not measured
      const baseline = await runPhase([]);
      // Tasks that fail (throw, hang) and tasks that crash their worker in separate phases: a
      // crash also stalls the poison tasks running beside it, which would blur their reasons.
      const failing = await runPhase([...many('throw'), ...many('hang')]);
      const failed = await poisonOutcomes(failing);
      const crashing = await runPhase(many('crash'));
      const crashed = await poisonOutcomes(crashing);
      // The supervisor finds a crashed worker dead once its heartbeat is older than the TTL.
      const deaths = async () =>
        (await fleet.registry.events(1000)).filter((e) => e.type === 'dead').length;
      const workerDeaths = await waitFor(
        async () => {
          const count = await deaths();
          return count >= 3 && count;
        },
        { timeoutMs: 10_000, what: 'the crashed workers to be found dead' },
      ).catch(deaths);

      const rate = (phase: Phase) => (phase.normalIds.length / phase.ms) * 1000;
      const ratio = (phase: Phase) => Number((rate(phase) / rate(baseline)).toFixed(2));
      const poisonTasks = [...failed.poison, ...crashed.poison];
      const summary = {
        normalTasksPerPhase: poison.normalTasks,
        poisonTasks: poisonTasks.length,
        baselineTasksPerSecond: Math.round(rate(baseline)),
        failingTasksPerSecond: Math.round(rate(failing)),
        crashingTasksPerSecond: Math.round(rate(crashing)),
        throughputRatioFailing: ratio(failing),
        throughputRatioCrashing: ratio(crashing),
        normalCompleted: failed.completed + crashed.completed,
        normalDeadLettered: failed.collateral + crashed.collateral,
        poisonDeadLettered: poisonTasks.filter((p) => p.reason !== '').length,
        runsOfThrow: poisonTasks.filter((p) => p.kind === 'throw').map((p) => p.runs),
        runsOfHang: poisonTasks.filter((p) => p.kind === 'hang').map((p) => p.runs),
        runsOfCrash: poisonTasks.filter((p) => p.kind === 'crash').map((p) => p.runs),
        workerDeaths,
        reasons: Object.fromEntries(
          poisonTasks.map((p) => [p.kind, p.reason.replace(/task \S+/, 'task <id>')]),
        ),
      };
      recordResult(scale.name, 'poison', summary);

      for (const p of poisonTasks) {
        expect({ kind: p.kind, reason: p.reason }).toEqual({
          kind: p.kind,
          reason: expect.stringMatching(REASONS[p.kind]),
        });
        // A failing task runs its attempts. A crashing one takes down the worker it is on each
        // time it is active there (two on one worker die together, one maybe before its handler
        // started); past the stall limit (2), it runs no more.
        if (p.kind === 'crash') {
          expect(p.runs).toBeGreaterThanOrEqual(1);
          expect(p.runs).toBeLessThanOrEqual(MAX_STALLED_COUNT + 1);
        } else {
          expect({ kind: p.kind, runs: p.runs }).toEqual({ kind: p.kind, runs: ATTEMPTS });
        }
      }
      expect(workerDeaths).toBeGreaterThanOrEqual(3);
      // Normal tasks on a crashed worker run again elsewhere; none is lost.
      expect(summary.normalCompleted + summary.normalDeadLettered).toBe(2 * poison.normalTasks);
      expect(summary.normalDeadLettered).toBeLessThanOrEqual(Math.ceil(poison.normalTasks * 0.01));
      expect(summary.throughputRatioFailing).toBeGreaterThanOrEqual(0.5);
      expect(summary.throughputRatioCrashing).toBeGreaterThanOrEqual(0.5);
    },
    poison.timeoutMs,
  );
});
