import { randomBytes } from 'node:crypto';
import {
  DEFAULT_ENCRYPTED_INPUT_FIELDS,
  DEFAULT_ENCRYPTED_OUTPUT_FIELDS,
  PayloadCodec,
  type TaskJobData,
} from '@tta/core';
import { apiUrlOf, type AppProcess } from '../app-process';
import { deletePrefix, uniquePrefix } from '../bench-keys';
import { barChart } from '../charts/bar-chart';
import { benchPids, CpuMeter } from '../cpu-meter';
import { agentRuntime } from '../consumers';
import {
  atLeast,
  fmt,
  info,
  type ResultRow,
  type Scenario,
  type ScenarioContext,
} from '../scenario';
import { median, round } from '../stats';
import { cannon, startApi, WARMUP_SECONDS, type Round } from './http-enqueue';
import { CAPABILITY, drain, type Drain } from './throughput';
import { awaitRuns, startPlayerTurnSystem, type PlayerTurnSystem } from './player-turn-system';

/** A player's turn as long as most are: what the codec encrypts in input and output. */
const PLAYER_TEXT =
  'I sit down on the old bench by the lighthouse and tell the keeper that I have not slept well since the winter';
const PASSAGE = `The keeper listens. ${PLAYER_TEXT}, you say, and the lamp turns slowly above you both.`;
const MODES = ['off', 'on'] as const;
type Mode = (typeof MODES)[number];
const TARGET = 0.9;

const KEY = { id: 'bench', key: randomBytes(32).toString('base64') };

/** The codec the worker and the API use with encryption on: the default fields of config. */
function benchCodec(): PayloadCodec {
  return new PayloadCodec({
    keys: [{ id: KEY.id, key: Buffer.from(KEY.key, 'base64') }],
    inputFields: DEFAULT_ENCRYPTED_INPUT_FIELDS,
    outputFields: DEFAULT_ENCRYPTED_OUTPUT_FIELDS,
  });
}

/**
 * The payload codec's cost, both where it runs: the agent runtime draining a queue of player
 * turns (decrypting each input, encrypting each output) and the API taking `POST /v1/tasks`
 * (encrypting each input), each with encryption on and off in alternating rounds.
 */
export const encryptionScenario: Scenario = {
  id: 'encryption',
  title: 'Encryption at rest: throughput with the payload codec on vs off',
  async run(context) {
    const queue = await queueRounds(context);
    const turns = await turnRounds(context);
    const http = await httpRounds(context);
    return report(context, queue, turns, http);
  },
};

interface QueueRounds {
  drains: Record<Mode, Drain[]>;
  ratios: number[];
}

async function queueRounds(context: ScenarioContext): Promise<QueueRounds> {
  const encrypting = benchCodec();
  const run = (mode: Mode) => {
    const codec = mode === 'on' ? encrypting : PayloadCodec.plain();
    return drain(context, {
      consumer: agentRuntime,
      // As the API stores it: the input already sealed when encryption is on.
      jobData: () => turnJob(codec),
      consumerOptions: { codec, output: { text: PLAYER_TEXT, passage: PASSAGE, tone: 'calm' } },
    });
  };
  const drains: Record<Mode, Drain[]> = { off: [], on: [] };
  const ratios: number[] = [];
  for (const mode of MODES) await run(mode);
  for (let r = 1; r <= context.settings.rounds; r += 1) {
    for (const mode of r % 2 === 1 ? MODES : [...MODES].reverse()) {
      drains[mode].push(await run(mode));
    }
    const [off, on] = [drains.off[r - 1] as Drain, drains.on[r - 1] as Drain];
    ratios.push(on.jobsPerSec / off.jobsPerSec);
    context.log(
      `  queue round ${r}: off ${fmt(off.jobsPerSec)} jobs/s (${fmt(off.cpuMicrosPerJob)} µs CPU a job), on ${fmt(on.jobsPerSec)} jobs/s (${fmt(on.cpuMicrosPerJob)} µs), ratio ${fmt(on.jobsPerSec / off.jobsPerSec, 3)}`,
    );
  }
  return { drains, ratios };
}

function turnJob(codec: PayloadCodec): TaskJobData {
  const now = Date.now();
  return {
    capability: CAPABILITY,
    input: codec.encodeInput({ text: PLAYER_TEXT, sentAt: now }),
    timeoutMs: 30_000,
    enqueuedAt: now,
  };
}

/** Player turns started at once per round, and the sessions they are spread over. */
const TURNS = 2000;
const TURN_SESSIONS = 500;

interface TurnRounds {
  turnsPerSec: Record<Mode, number[]>;
  /** CPU of the bench process (agents, engine, starter) and Redis a turn, in µs. */
  cpuMicrosPerTurn: Record<Mode, number[]>;
  ratios: number[];
}

/**
 * Player turns as the system runs them: a burst of `player-turn` runs through the three
 * built-in agents and the workflow engine, with every codec of the system on or off.
 */
async function turnRounds(context: ScenarioContext): Promise<TurnRounds> {
  const systems: Partial<Record<Mode, PlayerTurnSystem>> = {};
  try {
    systems.off = await startPlayerTurnSystem({ redisUrl: context.redisUrl });
    systems.on = await startPlayerTurnSystem({ redisUrl: context.redisUrl, codec: benchCodec() });
    const run = (mode: Mode) => turnBurst(context, systems[mode] as PlayerTurnSystem);
    for (const mode of MODES) await run(mode);
    const turnsPerSec: Record<Mode, number[]> = { off: [], on: [] };
    const cpuMicrosPerTurn: Record<Mode, number[]> = { off: [], on: [] };
    const ratios: number[] = [];
    for (let r = 1; r <= context.settings.rounds; r += 1) {
      for (const mode of r % 2 === 1 ? MODES : [...MODES].reverse()) {
        const burst = await run(mode);
        turnsPerSec[mode].push(burst.turnsPerSec);
        cpuMicrosPerTurn[mode].push(burst.cpuMicrosPerTurn);
      }
      const [off, on] = [turnsPerSec.off[r - 1] ?? 0, turnsPerSec.on[r - 1] ?? 0];
      ratios.push(on / off);
      context.log(
        `  turns round ${r}: off ${fmt(off)} turns/s (${fmt(cpuMicrosPerTurn.off[r - 1] ?? 0)} µs CPU a turn), on ${fmt(on)} turns/s (${fmt(cpuMicrosPerTurn.on[r - 1] ?? 0)} µs), ratio ${fmt(on / off, 3)}`,
      );
    }
    return { turnsPerSec, cpuMicrosPerTurn, ratios };
  } finally {
    for (const system of Object.values(systems)) await system.close();
  }
}

/**
 * Starts {@link TURNS} runs as fast as they are taken; turns a second until all completed, and
 * the CPU a turn took.
 */
async function turnBurst(
  context: ScenarioContext,
  system: PlayerTurnSystem,
): Promise<{ turnsPerSec: number; cpuMicrosPerTurn: number }> {
  const { track, done } = awaitRuns(system.events, TURNS);
  const meter = new CpuMeter(benchPids(context.redisPid)).start();
  const t0 = performance.now();
  for (let i = 0; i < TURNS; i += 1) {
    const run = await system.runs.start('player-turn', {
      sessionId: `bench-${i % TURN_SESSIONS}`,
      input: { text: PLAYER_TEXT },
    });
    track(run.id, Date.now());
  }
  await done;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = meter.stop();
  const cores = (cpu.processes.bench ?? 0) + (cpu.processes.redis ?? 0);
  return {
    turnsPerSec: round(TURNS / seconds, 0),
    cpuMicrosPerTurn: round((cores * seconds * 1e6) / TURNS, 0),
  };
}

interface HttpRounds {
  rounds: Record<Mode, Round[]>;
  ratios: number[];
}

async function httpRounds(context: ScenarioContext): Promise<HttpRounds> {
  const {
    httpConnections: connections,
    httpSeconds: seconds,
    httpRounds: count,
  } = context.settings;
  const prefixes: Record<Mode, string> = {
    off: uniquePrefix('enc-off'),
    on: uniquePrefix('enc-on'),
  };
  const apis: AppProcess[] = [];
  try {
    // Nothing consumes: the backlog of every round stays, past the default admission limits.
    const unlimited = {
      TTA_ADMISSION_MAX_WAITING_PER_QUEUE: '100000000',
      TTA_ADMISSION_MAX_WAITING_PER_OWNER: '100000000',
    };
    const off = await startApi(context, prefixes.off, {
      ...unlimited,
      TTA_ENCRYPTION_ENABLED: 'false',
    });
    apis.push(off);
    const on = await startApi(context, prefixes.on, {
      ...unlimited,
      TTA_ENCRYPTION_ENABLED: 'true',
      TTA_ENCRYPTION_KEYS: JSON.stringify([KEY]),
    });
    apis.push(on);
    const servers: Record<Mode, AppProcess> = { off, on };
    const load = (mode: Mode, s: number) =>
      cannon(
        apiUrlOf(servers[mode]),
        connections,
        s,
        { server: servers[mode].pid, ...benchPids(context.redisPid) },
        { text: PLAYER_TEXT },
      );
    for (const mode of MODES) await load(mode, WARMUP_SECONDS);
    const rounds: Record<Mode, Round[]> = { off: [], on: [] };
    const ratios: number[] = [];
    for (let r = 1; r <= count; r += 1) {
      for (const mode of r % 2 === 1 ? MODES : [...MODES].reverse()) {
        const round = await load(mode, seconds);
        if (round.non2xx + round.errors > 0) {
          throw new Error(
            `encryption: API with encryption ${mode}: ${round.non2xx} non-2xx answers, ${round.errors} errors`,
          );
        }
        rounds[mode].push(round);
      }
      const [o, e] = [rounds.off[r - 1] as Round, rounds.on[r - 1] as Round];
      ratios.push(e.requestsPerSec / o.requestsPerSec);
      context.log(
        `  http round ${r}: off ${fmt(o.requestsPerSec)} req/s, on ${fmt(e.requestsPerSec)} req/s, ratio ${fmt(e.requestsPerSec / o.requestsPerSec, 3)}`,
      );
    }
    return { rounds, ratios };
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
    for (const prefix of Object.values(prefixes)) await deletePrefix(context.redis, prefix);
  }
}

function report(context: ScenarioContext, queue: QueueRounds, turns: TurnRounds, http: HttpRounds) {
  const { jobs, concurrency, rounds, httpConnections, httpSeconds, httpRounds } = context.settings;
  const settings = { jobs, concurrency, rounds, httpConnections, httpSeconds, httpRounds };
  const jobsPerSec = (mode: Mode) => median(queue.drains[mode].map((d) => d.jobsPerSec));
  const cpuPerJob = (mode: Mode) => median(queue.drains[mode].map((d) => d.cpuMicrosPerJob));
  const reqPerSec = (mode: Mode) => median(http.rounds[mode].map((r) => r.requestsPerSec));
  const cpuPerRequest = (mode: Mode) =>
    round(
      median(
        http.rounds[mode].map((r) => ((r.cpu.processes.server ?? 0) * 1e6) / r.requestsPerSec),
      ),
      0,
    );
  const queueRatio = median(queue.ratios);
  const turnRatio = median(turns.ratios);
  const turnsPerSec = (mode: Mode) => median(turns.turnsPerSec[mode]);
  const cpuPerTurn = (mode: Mode) => median(turns.cpuMicrosPerTurn[mode]);
  const httpRatio = median(http.ratios);
  const rows: ResultRow[] = [
    info(
      'agent runtime, encryption off / on',
      `${fmt(jobsPerSec('off'))} / ${fmt(jobsPerSec('on'))} jobs/s; ${fmt(cpuPerJob('off'))} / ${fmt(cpuPerJob('on'))} µs CPU a job`,
    ),
    info(
      'player turns, encryption off / on',
      `${fmt(turnsPerSec('off'))} / ${fmt(turnsPerSec('on'))} turns/s; ${fmt(cpuPerTurn('off'))} / ${fmt(cpuPerTurn('on'))} µs CPU a turn (agents, engine and Redis)`,
    ),
    info(
      'API POST /v1/tasks, encryption off / on',
      `${fmt(reqPerSec('off'))} / ${fmt(reqPerSec('on'))} req/s; ${fmt(cpuPerRequest('off'))} / ${fmt(cpuPerRequest('on'))} µs CPU a request`,
    ),
    // CPU time per unit moves least with the machine's noise: its ratio says what a busy
    // machine's rates may not.
    info('CPU a job, encryption off / on', fmt(cpuPerJob('off') / cpuPerJob('on'), 2)),
    info('CPU a turn, encryption off / on', fmt(cpuPerTurn('off') / cpuPerTurn('on'), 2)),
    info('CPU a request, encryption off / on', fmt(cpuPerRequest('off') / cpuPerRequest('on'), 2)),
    // A handler that does nothing is the codec's worst case: every microsecond of it shows.
    info(
      'no-op agent runtime, encryption on / off (jobs/s, median of the rounds)',
      fmt(queueRatio, 3),
    ),
    atLeast('player turns, encryption on / off (turns/s, median of the rounds)', turnRatio, TARGET),
    atLeast('API, encryption on / off (req/s, median of the rounds)', httpRatio, TARGET),
  ];
  return {
    data: {
      ...settings,
      queue: {
        offJobsPerSec: round(jobsPerSec('off'), 0),
        onJobsPerSec: round(jobsPerSec('on'), 0),
        cpuMicrosPerJob: { off: cpuPerJob('off'), on: cpuPerJob('on') },
        ratio: round(queueRatio, 3),
        perRound: { ...queue.drains, ratio: queue.ratios.map((x) => round(x, 3)) },
      },
      turns: {
        turns: TURNS,
        sessions: TURN_SESSIONS,
        offTurnsPerSec: turnsPerSec('off'),
        onTurnsPerSec: turnsPerSec('on'),
        cpuMicrosPerTurn: { off: cpuPerTurn('off'), on: cpuPerTurn('on') },
        ratio: round(turnRatio, 3),
        perRound: {
          ...turns.turnsPerSec,
          cpuMicrosPerTurn: turns.cpuMicrosPerTurn,
          ratio: turns.ratios.map((x) => round(x, 3)),
        },
      },
      http: {
        offRequestsPerSec: reqPerSec('off'),
        onRequestsPerSec: reqPerSec('on'),
        cpuMicrosPerRequest: { off: cpuPerRequest('off'), on: cpuPerRequest('on') },
        ratio: round(httpRatio, 3),
        perRound: { ...http.rounds, ratio: http.ratios.map((x) => round(x, 3)) },
      },
      ratio: round(Math.min(turnRatio, httpRatio), 3),
    },
    rows,
    charts: [
      barChart({
        name: 'encryption',
        title: `Encryption at rest: throughput off and on, as a share of off (medians of the rounds)`,
        unit: 'ratio',
        categories: [
          'no-op agent runtime (jobs/s)',
          'player turns (turns/s)',
          'API POST /v1/tasks (req/s)',
        ],
        series: [
          { name: 'encryption off', values: [1, 1, 1] },
          {
            name: 'encryption on',
            values: [round(queueRatio, 3), round(turnRatio, 3), round(httpRatio, 3)],
          },
        ],
      }),
    ],
    method: `Three parts, each alternating encryption off and on (ABBA order) after one uncounted round of each. Queue: ${fmt(jobs)} jobs whose input holds a player's sentence (${PLAYER_TEXT.length} characters) are added to a queue (already sealed when encryption is on, as the API stores them), then the agent runtime drains it at concurrency ${concurrency} with a handler that returns the sentence and a passage; with encryption on its payload codec (AES-256-GCM, the default fields of config \`encryption\`) opens each input and seals each output's \`text\` and \`passage\`, with it off the runtime has the plain codec, as a worker without keys does; ${rounds} rounds. Such a handler is the codec's worst case, reported but not held to the target: a real agent does work the codec's ~8 µs a field add to. Player turns: two systems in the bench process (the three built-in agents and the workflow engine, every one with the codec on, or every one plain) take bursts of ${fmt(TURNS)} \`player-turn\` runs over ${fmt(TURN_SESSIONS)} sessions, each carrying the sentence; turns a second from the first start to the last completion, ${rounds} rounds. HTTP: two API processes (\`apps/api/dist/main.js\`, test config as in the HTTP enqueue scenario), one with \`TTA_ENCRYPTION_ENABLED=false\`, one with \`true\` and a key, take \`POST /v1/tasks\` with the same sentence from autocannon over ${httpConnections} connections, ${WARMUP_SECONDS} s of warm-up each, then ${httpRounds} rounds of ${httpSeconds} s. Each ratio is the median of the rounds' ratios (on / off); the target is ≥ ${TARGET} for player turns and the API.`,
  };
}
