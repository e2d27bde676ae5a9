import { Queue } from 'bullmq';
import { AgentRegistry, QueueNames } from '@tta/core';
import { apiUrlOf, startApp, type AppProcess } from '../app-process';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { barChart } from '../charts/bar-chart';
import { rssBytesOf, sleep, until } from '../node-child';
import { JsonPoster, runOpenLoop } from '../open-loop';
import { below, fmt, info, type Scenario, type ScenarioContext } from '../scenario';
import { round } from '../stats';

const SETTLE_MS = 3000;
/** Resident size the input processor (NLP model and classifier loaded) must stay under. */
const INPUT_PROCESSOR_MAX_MIB = 200;
const AGENT_TYPES = ['input-processor', 'world-builder', 'narrative-generator'];
const TEXTS = ['look around', 'go north', 'take the lantern', 'talk to Mira', 'rest by the lake'];

/** Resident size of one process, MiB. */
interface ProcessMemory {
  process: string;
  pid: number;
  idleMiB: number;
  /** Highest resident size seen under load. */
  loadPeakMiB: number;
}

/**
 * Memory: resident size (VmRSS) of the API, the supervisor and its workers, idle and under a
 * load of player turns through the API.
 */
export const memoryScenario: Scenario = {
  id: 'memory',
  title: 'Memory: resident size idle and under load',
  async run(context) {
    const { memoryTurnRate: rate, memorySeconds: seconds } = context.settings;
    const prefix = uniquePrefix('memory');
    const names = new QueueNames(prefix);
    const processes: AppProcess[] = [];
    try {
      const api = await startApp('api', {
        redisUrl: context.redisUrl,
        prefix,
        readyMessage: 'api listening',
      });
      processes.push(api);
      const supervisor = await startApp('supervisor', {
        redisUrl: context.redisUrl,
        prefix,
        readyMessage: 'supervisor started',
        env: { TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1', TTA_WORKER_DIAGNOSTICS_PORT: '-1' },
      });
      processes.push(supervisor);
      const watched = [
        { process: 'api', pid: api.pid },
        { process: 'supervisor', pid: supervisor.pid },
        ...(await workerPids(context, prefix)),
      ];
      await sleep(SETTLE_MS);
      const idle = watched.map((w) => rssBytesOf(w.pid) ?? Number.NaN);
      const workflows = new Queue(names.workflow, { connection: context.redis, prefix });
      const drained = async () => {
        const counts = await workflows.getJobCounts(
          'wait',
          'active',
          'waiting-children',
          'delayed',
        );
        return Object.values(counts).every((n) => n === 0);
      };
      const peak = await underLoad(
        apiUrlOf(api),
        rate,
        seconds,
        watched.map((w) => w.pid),
        drained,
      ).finally(() => workflows.close());
      const memory: ProcessMemory[] = watched.map((w, i) => ({
        ...w,
        idleMiB: mib(idle[i] as number),
        loadPeakMiB: mib(peak.rss[i] as number),
      }));
      for (const m of memory) {
        context.log(
          `  ${m.process.padEnd(30)} idle ${fmt(m.idleMiB, 1)} MiB, under load ${fmt(m.loadPeakMiB, 1)} MiB`,
        );
      }
      return {
        data: { turnRate: rate, seconds, turnsAccepted: peak.accepted, processes: memory },
        rows: [
          ...memory.map((m) =>
            info(
              m.process,
              `idle ${fmt(m.idleMiB, 1)} MiB, under load ${fmt(m.loadPeakMiB, 1)} MiB`,
            ),
          ),
          below(
            'worker input-processor under load (safety screen loaded)',
            memory.find((m) => m.process === 'worker input-processor')?.loadPeakMiB ?? Number.NaN,
            INPUT_PROCESSOR_MAX_MIB,
            1,
            ' MiB',
          ),
        ],
        charts: [
          barChart({
            name: 'memory',
            title: `Resident size (VmRSS), idle and under ${rate} player turns/s`,
            unit: 'MiB',
            categories: memory.map((m) => m.process.replace('worker ', '')),
            series: [
              { name: 'idle', values: memory.map((m) => m.idleMiB) },
              { name: 'under load (peak)', values: memory.map((m) => m.loadPeakMiB) },
            ],
          }),
        ],
        method: `The system as \`npm start\` runs it: the API and the supervisor from \`dist/\` (test config), the supervisor's local executor starting one worker process per built-in agent type. Resident size is \`VmRSS\` of \`/proc/<pid>/status\`: idle ${SETTLE_MS / 1000} s after every agent is live, then the peak of samples every 250 ms while the bench posts \`player-turn\` workflow runs to the API at ${rate} per second for ${seconds} s and until every run has finished (each run: parse and safety screen, world update, narrative, driven by the supervisor's workflow engine).`,
      };
    } finally {
      for (const p of [...processes].reverse()) await p.stop('SIGTERM', 20_000);
      await deletePrefix(context.redis, prefix);
    }
  },
};

function mib(bytes: number): number {
  return round(bytes / 2 ** 20, 1);
}

async function workerPids(
  context: ScenarioContext,
  prefix: string,
): Promise<Array<{ process: string; pid: number }>> {
  const registry = new AgentRegistry(context.redis, { names: new QueueNames(prefix) });
  const agents = await until(
    'a live agent of each built-in type',
    async () => {
      const live = await registry.list({ status: 'ready' });
      return AGENT_TYPES.every((t) => live.some((a) => a.type === t)) ? live : undefined;
    },
    30_000,
  );
  return AGENT_TYPES.map((type) => {
    const agent = agents.find((a) => a.type === type);
    return { process: `worker ${type}`, pid: agent?.pid ?? 0 };
  });
}

async function underLoad(
  apiUrl: string,
  rate: number,
  seconds: number,
  pids: number[],
  drained: () => Promise<boolean>,
): Promise<{ rss: number[]; accepted: number }> {
  const rss = pids.map(() => 0);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      pids.forEach((pid, i) => (rss[i] = Math.max(rss[i] as number, rssBytesOf(pid) ?? 0)));
      await sleep(250);
    }
  })();
  const poster = new JsonPoster(apiUrl, { 'x-api-key': 'tta-dev-key' });
  let accepted = 0;
  const pending: Array<Promise<void>> = [];
  try {
    await runOpenLoop({
      ratePerSec: rate,
      total: Math.round(rate * seconds),
      send: (i) => {
        const body = { sessionId: `bench-${i % 50}`, input: { text: TEXTS[i % TEXTS.length] } };
        pending.push(
          poster.post('/v1/workflows/player-turn/runs', body).then(
            (answer) => void (answer.status === 202 && (accepted += 1)),
            () => undefined,
          ),
        );
      },
    });
    await Promise.all(pending);
    // Under load until the supervisor and the workers have finished every run.
    await until(
      'every player turn to finish',
      async () => ((await drained()) ? true : undefined),
      60_000,
    );
  } finally {
    sampling = false;
    await sampler;
    poster.close();
  }
  return { rss, accepted };
}
