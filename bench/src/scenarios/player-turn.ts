import { awaitRuns, startPlayerTurnSystem, type PlayerTurnSystem } from './player-turn-system';
import { barChart } from '../charts/bar-chart';
import { fmt, info, type Scenario } from '../scenario';
import { summarize } from '../stats';

/**
 * Player-turn latency: `player-turn` workflow runs at a fixed rate, from start to the run's
 * completion event.
 */
export const playerTurnScenario: Scenario = {
  id: 'player-turn',
  title: 'Player-turn workflow latency',
  async run(context) {
    const { turnRate: rate, turnSeconds: seconds } = context.settings;
    const latencies = await measurePlayerTurns({
      redisUrl: context.redisUrl,
      rate,
      seconds,
      sessions: 50,
    });
    const s = summarize(latencies);
    context.log(`  ${s.count} turns at ${rate}/s: p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms`);
    return {
      data: { rate, seconds, sessions: 50, ...s },
      rows: [
        info('turns', `${fmt(s.count)} at ${rate}/s over 50 sessions`),
        info('p50', `${fmt(s.p50)} ms`),
        info('p99', `${fmt(s.p99)} ms`),
        info('max', `${fmt(s.max)} ms`),
      ],
      charts: [
        barChart({
          name: 'player-turn',
          title: `Player-turn workflow latency at ${rate} turns/s`,
          unit: 'ms',
          categories: ['p50', 'p90', 'p99', 'max'],
          series: [{ name: 'player turn', values: [s.p50, s.p90, s.p99, s.max] }],
        }),
      ],
      method: `\`player-turn\` runs (input-processor: parse and safety screen, then world-builder, then narrative-generator, rule-based) started with \`WorkflowRuns.start\` at ${rate} per second for ${seconds} s, spread over 50 sessions (turns of one session run in order); the three built-in agents and the workflow engine run in the bench process. Latency is from the start call to the run's \`completed\` event (BullMQ \`QueueEvents\`).`,
    };
  },
};

/** Options of {@link measurePlayerTurns}. */
export interface PlayerTurnOptions {
  redisUrl: string;
  /** Turns started per second. */
  rate: number;
  /** For how long. */
  seconds: number;
  /** Sessions the turns are spread over (turns of one session run in order). */
  sessions: number;
}

const TEXTS = ['look around', 'go north', 'take the lantern', 'talk to Mira', 'rest by the lake'];

/**
 * End-to-end latency of `player-turn` runs, from `WorkflowRuns.start` to the run's completion
 * event, at a fixed rate of turns: the three built-in agents and the workflow engine in this
 * process, on the same Redis. Returns every latency in milliseconds.
 */
export async function measurePlayerTurns(options: PlayerTurnOptions): Promise<number[]> {
  const system = await startPlayerTurnSystem({ redisUrl: options.redisUrl });
  try {
    return await drive(system, options);
  } finally {
    await system.close();
  }
}

async function drive(system: PlayerTurnSystem, options: PlayerTurnOptions): Promise<number[]> {
  const latencies: number[] = [];
  const total = Math.round(options.rate * options.seconds);
  const { track, done } = awaitRuns(system.events, total, (ms) => latencies.push(ms));
  const t0 = Date.now();
  for (let i = 0; i < total; i += 1) {
    const due = t0 + (i * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const begun = Date.now();
    const run = await system.runs.start('player-turn', turnOf(i, options.sessions));
    track(run.id, begun);
  }
  await done;
  return latencies;
}

/** The `i`-th turn of a drive over `sessions` sessions. */
export function turnOf(
  i: number,
  sessions: number,
): { sessionId: string; input: { text: string } } {
  return { sessionId: `bench-${i % sessions}`, input: { text: TEXTS[i % TEXTS.length] ?? '' } };
}
