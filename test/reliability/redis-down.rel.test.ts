import { isAlive, startRedisServer, waitFor, type RedisServer } from '@tta/test-utils';
import { startFleet, type ApiAnswer, type Fleet } from './fleet';
import { recordResult } from './results';
import { scale } from './scale';
import { pace } from './pace';

const WORKERS = 2;
const PROMPT_MS = 500;
const { redisDown } = scale;

const TURN = { sessionId: 'reliability-down', input: { text: 'I look around' } };

function countStatuses(answers: Array<{ status: number }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// Redis becomes unreachable under a running system, and comes back empty (a replacement
// instance without persistence). Meanwhile the API refuses work with 503 at once and reports
// itself not ready but alive; every process stays up, and the workers take tasks again once
// Redis is back.
describe(`Redis unreachable (${scale.name}): ${redisDown.downMs / 1000} s`, () => {
  let server: RedisServer;
  let fleet: Fleet;

  beforeAll(async () => {
    server = await startRedisServer();
    fleet = await startFleet({
      redisUrl: server.url,
      chaosWorkers: WORKERS,
      chaosConcurrency: 4,
      builtInAgents: true,
    });
    await fleet.liveAgents('chaos', WORKERS);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await server?.close();
  }, 30_000);

  async function completes(ids: string[], timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        const answers = await Promise.all(ids.map((id) => fleet.call('GET', `/v1/tasks/${id}`)));
        return answers.every((a) => (a.body as { status?: string }).status === 'completed');
      },
      { timeoutMs, intervalMs: 100, what: `${ids.length} tasks to complete` },
    );
  }

  async function enqueue(count: number): Promise<string[]> {
    const tasks = Array.from({ length: count }, () => ({
      capability: 'test.chaos',
      input: { ms: 10, record: 'runs' },
    }));
    const answer = await fleet.call('POST', '/v1/tasks/batch', { tasks });
    expect(answer.status).toBe(202);
    return (answer.body as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id);
  }

  /** Plays one player turn (a workflow run the supervisor drives) to its end. */
  async function playTurn(timeoutMs: number): Promise<string | undefined> {
    const started = await fleet.call('POST', '/v1/workflows/player-turn/runs', TURN);
    expect(started.status).toBe(202);
    const { id } = started.body as { id: string };
    const run = await waitFor(
      async () => {
        const answer = await fleet.call('GET', `/v1/workflow-runs/${id}`);
        const status = (answer.body as { status?: string }).status;
        return status === 'completed' || status === 'failed' ? status : undefined;
      },
      { timeoutMs, intervalMs: 100, what: 'the player turn to end' },
    );
    return run;
  }

  /** Pids of every ready worker. */
  async function workerPids(): Promise<number[]> {
    return (await fleet.registry.list({ status: 'ready' })).map((a) => a.pid).sort();
  }

  it(
    'answers 503 at once, fails /readyz, keeps every process up, and resumes when Redis returns',
    async () => {
      await completes(await enqueue(5), 10_000);
      expect(await playTurn(10_000)).toBe('completed');
      const [taskId] = await enqueue(1);
      const workers = await waitFor(async () => {
        const pids = await workerPids();
        return pids.length === WORKERS + 3 ? pids : undefined;
      });
      const pids = [fleet.api?.child.pid ?? 0, fleet.supervisor?.child.pid ?? 0, ...workers];

      await server.stop('SIGTERM');
      const downAt = Date.now();
      const answers: Record<string, ApiAnswer[]> = {};
      const requests: Record<string, () => Promise<ApiAnswer>> = {
        enqueue: () => fleet.call('POST', '/v1/tasks', { capability: 'test.chaos', input: {} }),
        batch: () =>
          fleet.call('POST', '/v1/tasks/batch', {
            tasks: [{ capability: 'test.chaos', input: {} }],
          }),
        read: () => fleet.call('GET', `/v1/tasks/${taskId}`),
        turn: () => fleet.call('POST', '/v1/workflows/player-turn/runs', TURN),
        ready: () => fleet.call('GET', '/readyz'),
      };
      const healthz: number[] = [];
      for (let i = 0; i < redisDown.requests; i += 1) {
        await Promise.all([
          ...Object.entries(requests).map(async ([kind, send]) => {
            (answers[kind] ??= []).push(await send());
          }),
          fleet.call('GET', '/healthz').then((a) => healthz.push(a.status)),
        ]);
        const next = downAt + ((i + 1) * redisDown.downMs) / redisDown.requests;
        await pace(Math.max(0, next - Date.now()));
      }
      await pace(downAt + redisDown.downMs - Date.now());
      const aliveWhileDown = pids.filter((pid) => isAlive(pid)).length;

      await server.start();
      const upAt = Date.now();
      await waitFor(
        async () => (await fleet.call('GET', '/readyz', undefined, 1000)).status === 200,
        { timeoutMs: 10_000, intervalMs: 25, what: 'the API to be ready again' },
      );
      const apiReadyAfterMs = Date.now() - upAt;
      await completes(await enqueue(20), 20_000);
      const tasksCompletedAfterMs = Date.now() - upAt;
      const turnAfter = await playTurn(20_000);
      const turnCompletedAfterMs = Date.now() - upAt;
      const workersAfter = await workerPids();

      const refusals = Object.values(answers).flat();
      const latencies = refusals.map((a) => a.ms);
      const summary = {
        downMs: upAt - downAt,
        requestsWhileDown: refusals.length + healthz.length,
        statuses: Object.fromEntries(
          Object.entries(answers).map(([k, v]) => [k, countStatuses(v)]),
        ),
        healthz: countStatuses(healthz.map((status) => ({ status }))),
        refusalMsP50: percentile(latencies, 50),
        refusalMsP99: percentile(latencies, 99),
        refusalMsMax: Math.max(...latencies),
        processesAliveWhileDown: aliveWhileDown,
        processes: pids.length,
        workers: workers.length,
        workersKept: workersAfter.filter((pid) => workers.includes(pid)).length,
        apiReadyAfterMs,
        tasksCompletedAfterMs,
        turnAfter,
        turnCompletedAfterMs,
      };
      recordResult(scale.name, 'redis-down', summary);

      for (const [kind, list] of Object.entries(answers)) {
        expect({ kind, statuses: countStatuses(list) }).toEqual({
          kind,
          statuses: { 503: redisDown.requests },
        });
      }
      expect(summary.healthz).toEqual({ 200: redisDown.requests });
      expect(summary.refusalMsMax).toBeLessThan(PROMPT_MS);
      expect(aliveWhileDown).toBe(pids.length);
      expect(summary.workersKept).toBe(workers.length);
      expect(turnAfter).toBe('completed');
      expect(apiReadyAfterMs).toBeLessThan(5000);
    },
    redisDown.timeoutMs,
  );
});
