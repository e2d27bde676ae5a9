import { seededRandom, testRedisUrl } from '@tta/test-utils';
import { startFleet, type Fleet } from './fleet';
import { recordResult } from './results';
import { scale } from './scale';
import { outcomeNumbers, TaskOutcomeTracker } from './task-outcomes';
import { pace } from './pace';

const SEED = 8_2001;
const BATCH = 100;
const { chaos } = scale;

// Chaos: tasks flow through the API while a loop SIGKILLs a random worker process every few
// hundred milliseconds and the supervisor's local executor starts a new one. Every accepted
// task must end completed exactly once or in the dead-letter queue with a reason.
describe(`chaos (${scale.name}): ${chaos.tasks} tasks while workers are SIGKILLed`, () => {
  let fleet: Fleet;
  let tracker: TaskOutcomeTracker;

  beforeAll(async () => {
    fleet = await startFleet({
      redisUrl: testRedisUrl(),
      chaosWorkers: chaos.workers,
      chaosConcurrency: chaos.concurrency,
    });
    tracker = new TaskOutcomeTracker(
      fleet.redis,
      fleet.names,
      fleet.names.capability('test.chaos'),
    );
    await tracker.start();
    await fleet.liveAgents('chaos', chaos.workers);
  }, 60_000);

  afterAll(async () => {
    await tracker?.close();
    await fleet?.close();
  }, 30_000);

  it(
    'loses no accepted task and completes none twice',
    async () => {
      const random = seededRandom(SEED);
      const accepted: string[] = [];
      const refused: number[] = [];
      const started = Date.now();
      let done = false;
      let kills = 0;
      const pidsSeen = new Set<number>();

      // Batches spread evenly over `enqueueOverMs`, so that tasks arrive while workers die.
      const batches = Math.ceil(chaos.tasks / BATCH);
      const enqueue = async () => {
        for (let sent = 0, i = 0; sent < chaos.tasks; sent += BATCH, i += 1) {
          await pace(started + (i * chaos.enqueueOverMs) / batches - Date.now());
          const tasks = Array.from({ length: Math.min(BATCH, chaos.tasks - sent) }, () => ({
            capability: 'test.chaos',
            input: { ms: random.int(...chaos.taskMs), record: 'runs' },
          }));
          const answer = await fleet.call('POST', '/v1/tasks/batch', { tasks });
          if (answer.status !== 202) {
            refused.push(answer.status);
            continue;
          }
          for (const t of (answer.body as { tasks: Array<{ id: string }> }).tasks) {
            accepted.push(t.id);
          }
        }
      };
      const killer = async () => {
        while (!done) {
          await pace(random.int(...chaos.killEveryMs));
          if (done) break;
          const pids = await fleet.workerPids('chaos');
          for (const pid of pids) pidsSeen.add(pid);
          if (pids.length === 0) continue;
          const victim = random.pick(pids);
          try {
            process.kill(victim, 'SIGKILL');
            kills += 1;
          } catch {
            // it died on its own in between
          }
        }
      };

      const killing = killer();
      try {
        await enqueue();
        const enqueuedMs = Date.now() - started;
        await tracker.settle(chaos.tasks, chaos.timeoutMs - (Date.now() - started) - 20_000);
        const settledMs = Date.now() - started;
        done = true;
        await killing;

        const outcomes = await tracker.outcomes(accepted);
        const runs = await fleet.redis.hgetall(fleet.names.key('chaos', 'runs'));
        const runCounts = Object.values(runs).map(Number);
        const summary = {
          tasks: chaos.tasks,
          workers: chaos.workers,
          concurrency: chaos.concurrency,
          refusedBatches: refused.length,
          ...outcomeNumbers(outcomes),
          kills,
          workerProcessesSeen: pidsSeen.size,
          handlerRuns: runCounts.reduce((a, b) => a + b, 0),
          tasksRunMoreThanOnce: runCounts.filter((n) => n > 1).length,
          maxRunsOfOneTask: Math.max(0, ...runCounts),
          enqueueMs: enqueuedMs,
          durationMs: settledMs,
          tasksPerSecond: Math.round((chaos.tasks / settledMs) * 1000),
        };
        recordResult(scale.name, 'chaos', summary);

        expect(refused).toEqual([]);
        expect(accepted).toHaveLength(chaos.tasks);
        expect(outcomes.lostIds).toEqual([]);
        expect(outcomes.completedTwice).toBe(0);
        expect(outcomes.completionsUnobserved).toBe(0);
        expect(outcomes.completed + outcomes.deadLettered).toBe(chaos.tasks);
        expect(outcomes.deadLetteredWithoutReason).toBe(0);
        // The chaos did happen: workers died with tasks in hand, which then ran again.
        expect(kills).toBeGreaterThanOrEqual(3);
        expect(summary.tasksRunMoreThanOnce).toBeGreaterThan(0);
      } finally {
        done = true;
        await killing;
      }
    },
    chaos.timeoutMs,
  );
});
