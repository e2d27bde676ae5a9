import path from 'node:path';
import { QueueEvents } from 'bullmq';
import { AgentRuntime } from '@tta/agent-sdk';
import { builtInAgents, loadSafetyLexicon, type BuiltInAgentType } from '@tta/agents';
import {
  AgentRegistry,
  closeRedis,
  CapabilityCatalog,
  createLogger,
  createRedisConnection,
  loadConfig,
  loadWorkflows,
  QueueNames,
  TaskRouter,
  waitForReady,
  WorkflowEngine,
  WorkflowRuns,
} from '@tta/core';
import { deletePrefix, uniquePrefix } from '../bench-keys';
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
  const names = new QueueNames(uniquePrefix('turns'));
  const config = loadConfig({ overrides: { redis: { prefix: names.prefix } } });
  const logger = createLogger({ level: 'error' });
  const redis = createRedisConnection({ url: options.redisUrl, role: 'worker' });
  const producer = createRedisConnection({ url: options.redisUrl, role: 'producer' });
  const eventsRedis = createRedisConnection({ url: options.redisUrl, role: 'worker' });
  const catalog = new CapabilityCatalog(config.capabilities);
  const router = new TaskRouter(catalog, { names });
  const workflows = loadWorkflows({
    dir: path.join(config.configDir, config.workflows.dir),
    catalog,
  });
  const runs = new WorkflowRuns(producer, { names, workflows, catalog, tasks: config.tasks });
  const registry = new AgentRegistry(redis, { names });
  const lexicon = loadSafetyLexicon(path.join(config.configDir, config.safety.lexiconFile));
  const agents = (Object.keys(builtInAgents) as BuiltInAgentType[]).map(
    (type) =>
      new AgentRuntime(builtInAgents[type]({ redis, names, lexicon }), {
        connection: redis,
        names,
        registry,
        logger,
      }),
  );
  const engine = new WorkflowEngine({
    connection: redis,
    names,
    workflows,
    catalog,
    router,
    tasks: config.tasks,
    safety: config.safety,
    logger,
  });
  const events = new QueueEvents(names.workflow, { connection: eventsRedis, prefix: names.prefix });
  try {
    await waitForReady(producer, 5000);
    await Promise.all([...agents.map((a) => a.start()), engine.start(), events.waitUntilReady()]);
    return await drive(runs, events, options);
  } finally {
    await events.close();
    await engine.close();
    await Promise.all(agents.map((a) => a.stop()));
    await runs.close();
    await deletePrefix(redis, names.prefix);
    for (const connection of [eventsRedis, producer, redis]) await closeRedis(connection);
  }
}

async function drive(
  runs: WorkflowRuns,
  events: QueueEvents,
  options: PlayerTurnOptions,
): Promise<number[]> {
  const startedAt = new Map<string, number>();
  const latencies: number[] = [];
  const total = Math.round(options.rate * options.seconds);
  let failed = 0;
  const done = new Promise<void>((resolve) => {
    const finish = (jobId: string, ok: boolean) => {
      const t0 = startedAt.get(jobId);
      if (t0 === undefined) return;
      startedAt.delete(jobId);
      if (ok) latencies.push(Date.now() - t0);
      else failed += 1;
      if (latencies.length + failed === total) resolve();
    };
    events.on('completed', ({ jobId }) => finish(jobId, true));
    events.on('failed', ({ jobId }) => finish(jobId, false));
  });
  const t0 = Date.now();
  for (let i = 0; i < total; i += 1) {
    const due = t0 + (i * 1000) / options.rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const begun = Date.now();
    const body = {
      sessionId: `bench-${i % options.sessions}`,
      input: { text: TEXTS[i % TEXTS.length] },
    };
    const run = await runs.start('player-turn', body);
    startedAt.set(run.id, begun);
  }
  await done;
  if (failed > 0) throw new Error(`${failed} player turns failed`);
  return latencies;
}
