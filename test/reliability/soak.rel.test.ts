import { Queue } from 'bullmq';
import { freePort } from '@tta/core';
import {
  parsePrometheusText,
  processRssBytes,
  seededRandom,
  startRedisServer,
  waitFor,
  type RedisServer,
} from '@tta/test-utils';
import { startFleet, type Fleet } from './fleet';
import { recordResult } from './results';
import { scale } from './scale';
import { pace } from './pace';

const { soak } = scale;
const TICK_MS = 250;
const SESSIONS = 16;
/** Completed tasks and runs stay readable this long; past it they are removed. */
const KEEP_COMPLETED_SECONDS = scale.name === 'full' ? 10 : 4;
/** Samples taken before the retention has had time to reach its steady state are left out. */
const WARM_UP_MS = Math.max(soak.durationMs / 3, (KEEP_COMPLETED_SECONDS + 4) * 1000);
const QUEUES = [
  'cap.input.parse',
  'cap.safety.screen',
  'cap.world.update',
  'cap.world.read',
  'cap.narrative.generate',
  'workflow',
];
const PHRASES = ['I look around', 'go north', 'take the lantern', 'I feel calm', 'rest a while'];

/** `tta_nodejs_heap_size_used_bytes` of a process's /metrics, MB (NaN when unreadable). */
async function heapMb(url: string): Promise<number> {
  try {
    const res = await fetch(url, { headers: { authorization: 'Bearer tta-dev-key' } });
    const family = parsePrometheusText(await res.text()).get('tta_nodejs_heap_size_used_bytes');
    return round((family?.samples[0]?.value ?? NaN) / 2 ** 20);
  } catch {
    return NaN;
  }
}

/** One sample of the soak. */
interface Sample {
  atMs: number;
  /** Resident memory of every process of the system, MB. */
  rssMb: number;
  /** Of the API, the supervisor and the workers (together), MB. */
  apiMb: number;
  supervisorMb: number;
  workersMb: number;
  /** V8 heap in use of the API and of the supervisor (their /metrics), MB. */
  apiHeapMb: number;
  supervisorHeapMb: number;
  /** Keys under the deployment's prefix. */
  keys: number;
  /** Entries of every BullMQ event stream (each capped at 10,000). */
  streamEntries: number;
  /** Redis used_memory, MB. */
  redisMb: number;
  /** Jobs waiting, delayed or active over every queue. */
  backlog: number;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Least-squares slope of `value` over `atMs`, per minute. */
function slopePerMinute(samples: Sample[], value: (s: Sample) => number): number {
  const xs = samples.map((s) => s.atMs / 60_000);
  const ys = samples.map(value);
  const mx = mean(xs);
  const my = mean(ys);
  const num = xs.reduce((acc, x, i) => acc + (x - mx) * ((ys[i] as number) - my), 0);
  const den = xs.reduce((acc, x) => acc + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

// A steady load of player turns and single tasks for a while, with the retention of completed
// work set short: the memory of every process and the number of keys in Redis level off
// instead of growing with the work done.
describe(`soak (${scale.name}): ${soak.durationMs / 1000} s of steady load`, () => {
  let server: RedisServer;
  let fleet: Fleet;
  let queues: Queue[] = [];
  let supervisorPort = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    supervisorPort = await freePort();
    fleet = await startFleet({
      redisUrl: server.url,
      env: {
        TTA_SUPERVISOR_DIAGNOSTICS_PORT: String(supervisorPort),
        TTA_TASKS_KEEP_COMPLETED_SECONDS: String(KEEP_COMPLETED_SECONDS),
        TTA_TASKS_KEEP_FAILED_SECONDS: String(KEEP_COMPLETED_SECONDS),
      },
    });
    queues = QUEUES.map(
      (name) => new Queue(name, { connection: fleet.redis, prefix: fleet.names.prefix }),
    );
    for (const type of ['input-processor', 'world-builder', 'narrative-generator']) {
      await fleet.liveAgents(type, 1);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(queues.map((q) => q.close()));
    await fleet?.close();
    await server?.close();
  }, 30_000);

  async function sample(startedAt: number): Promise<Sample> {
    const mb = (pids: number[]) =>
      round(pids.map((pid) => processRssBytes(pid) ?? 0).reduce((a, b) => a + b, 0) / 2 ** 20);
    const apiMb = mb([fleet.api?.child.pid ?? 0]);
    const supervisorMb = mb([fleet.supervisor?.child.pid ?? 0]);
    const workersMb = mb((await fleet.registry.list()).map((a) => a.pid));
    const counts = await Promise.all(
      queues.map((q) => q.getJobCounts('wait', 'delayed', 'active', 'prioritized')),
    );
    const info = await fleet.redis.info('memory');
    const streams = await fleet.redis.keys(`${fleet.names.prefix}:*:events`);
    const lengths = await Promise.all(streams.map((key) => fleet.redis.xlen(key)));
    return {
      atMs: Date.now() - startedAt,
      rssMb: round(apiMb + supervisorMb + workersMb),
      apiMb,
      supervisorMb,
      workersMb,
      apiHeapMb: await heapMb(`${fleet.apiUrl}/metrics`),
      supervisorHeapMb: await heapMb(`http://127.0.0.1:${supervisorPort}/metrics`),
      keys: await fleet.redis.dbsize(),
      streamEntries: lengths.reduce((a, b) => a + b, 0),
      redisMb: round(Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 2 ** 20),
      backlog: counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0),
    };
  }

  it(
    'keeps the memory of every process and the key count in Redis flat',
    async () => {
      const random = seededRandom(8_2006);
      const perTick = (perSecond: number) => (perSecond * TICK_MS) / 1000;
      const refused: number[] = [];
      let sent = { tasks: 0, turns: 0 };
      let carry = { tasks: 0, turns: 0 };
      const startedAt = Date.now();
      const samples: Sample[] = [];
      let nextSampleAt = startedAt;
      while (Date.now() - startedAt < soak.durationMs) {
        carry = {
          tasks: carry.tasks + perTick(soak.tasksPerSecond),
          turns: carry.turns + perTick(soak.turnsPerSecond),
        };
        const tasks = Array.from({ length: Math.floor(carry.tasks) }, () => ({
          capability: random.pick(['narrative.generate', 'input.parse', 'safety.screen']),
          input: { text: random.pick(PHRASES) },
        }));
        const turns = Array.from({ length: Math.floor(carry.turns) }, () =>
          fleet.call('POST', '/v1/workflows/player-turn/runs', {
            sessionId: `soak-${random.int(1, SESSIONS)}`,
            input: { text: random.pick(PHRASES) },
          }),
        );
        const answers = await Promise.all([
          tasks.length > 0 ? fleet.call('POST', '/v1/tasks/batch', { tasks }) : undefined,
          ...turns,
        ]);
        for (const a of answers) if (a && a.status !== 202) refused.push(a.status);
        sent = { tasks: sent.tasks + tasks.length, turns: sent.turns + turns.length };
        carry = { tasks: carry.tasks - tasks.length, turns: carry.turns - turns.length };
        if (Date.now() >= nextSampleAt) {
          samples.push(await sample(startedAt));
          nextSampleAt += soak.sampleEveryMs;
        }
        await pace(TICK_MS);
      }
      // Once the load stops, what was accepted drains.
      await waitFor(async () => (await sample(startedAt)).backlog === 0, {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: 'the backlog to drain',
      });

      const measured = samples.filter((s) => s.atMs >= WARM_UP_MS);
      const third = Math.max(1, Math.floor(measured.length / 3));
      const first = measured.slice(0, third);
      const last = measured.slice(-third);
      const summary = {
        durationMs: soak.durationMs,
        warmUpMs: WARM_UP_MS,
        keepCompletedSeconds: KEEP_COMPLETED_SECONDS,
        tasksSent: sent.tasks,
        turnsSent: sent.turns,
        refused: refused.length,
        samples: samples.length,
        keysFirstThird: Math.round(mean(first.map((s) => s.keys))),
        keysLastThird: Math.round(mean(last.map((s) => s.keys))),
        keysSlopePerMinute: round(slopePerMinute(measured, (s) => s.keys)),
        rssMbFirstThird: round(mean(first.map((s) => s.rssMb))),
        rssMbLastThird: round(mean(last.map((s) => s.rssMb))),
        rssMbSlopePerMinute: round(slopePerMinute(measured, (s) => s.rssMb)),
        rssMbSlopeLastThirdPerMinute: round(slopePerMinute(last, (s) => s.rssMb)),
        rssMbByProcess: Object.fromEntries(
          (['apiMb', 'supervisorMb', 'workersMb'] as const).map((k) => [
            k.replace('Mb', ''),
            {
              firstThird: round(mean(first.map((s) => s[k]))),
              lastThird: round(mean(last.map((s) => s[k]))),
            },
          ]),
        ),
        heapMbFirstThird: {
          api: round(mean(first.map((s) => s.apiHeapMb))),
          supervisor: round(mean(first.map((s) => s.supervisorHeapMb))),
        },
        heapMbLastThird: {
          api: round(mean(last.map((s) => s.apiHeapMb))),
          supervisor: round(mean(last.map((s) => s.supervisorHeapMb))),
        },
        redisMbFirstThird: round(mean(first.map((s) => s.redisMb))),
        redisMbLastThird: round(mean(last.map((s) => s.redisMb))),
        streamEntriesFirstThird: Math.round(mean(first.map((s) => s.streamEntries))),
        streamEntriesLastThird: Math.round(mean(last.map((s) => s.streamEntries))),
        maxBacklog: Math.max(...samples.map((s) => s.backlog)),
        seriesColumns: [
          's',
          'rssMb',
          'apiHeapMb',
          'supervisorHeapMb',
          'keys',
          'redisMb',
          'streamEntries',
          'backlog',
        ],
        series: samples.map((s) => [
          Math.round(s.atMs / 1000),
          s.rssMb,
          s.apiHeapMb,
          s.supervisorHeapMb,
          s.keys,
          s.redisMb,
          s.streamEntries,
          s.backlog,
        ]),
      };
      recordResult(scale.name, 'soak', summary);

      expect(refused).toEqual([]);
      expect(measured.length).toBeGreaterThanOrEqual(6);
      // Flat: the last third of the measured window holds no more than the first, up to noise.
      expect(summary.keysLastThird).toBeLessThanOrEqual(summary.keysFirstThird * 1.2 + 50);
      expect(summary.rssMbLastThird).toBeLessThanOrEqual(summary.rssMbFirstThird * 1.2 + 20);
    },
    soak.timeoutMs,
  );
});
