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
  PayloadCodec,
  QueueNames,
  TaskRouter,
  waitForReady,
  WorkflowEngine,
  WorkflowRuns,
} from '@tta/core';
import { deletePrefix, uniquePrefix } from '../bench-keys';

/** Options of {@link startPlayerTurnSystem}. */
export interface PlayerTurnSystemOptions {
  redisUrl: string;
  /** The payload codec of the runs, the engine and the agents. Default: plain. */
  codec?: PayloadCodec;
}

/** The system a player-turn measurement drives, started. */
export interface PlayerTurnSystem {
  /** Starts runs, as the API does. */
  runs: WorkflowRuns;
  /** Events of the workflow queue: `completed` and `failed` per run. */
  events: QueueEvents;
  /** Stops everything and deletes its keys. */
  close(): Promise<void>;
}

/**
 * The three built-in agents, the workflow engine and a run starter in this process, on their
 * own prefix of one Redis, each with `codec`.
 */
export async function startPlayerTurnSystem(
  options: PlayerTurnSystemOptions,
): Promise<PlayerTurnSystem> {
  const codec = options.codec ?? PayloadCodec.plain();
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
  const runs = new WorkflowRuns(producer, {
    names,
    workflows,
    catalog,
    tasks: config.tasks,
    codec,
  });
  const registry = new AgentRegistry(redis, { names });
  const lexicon = loadSafetyLexicon(path.join(config.configDir, config.safety.lexiconFile));
  const agents = (Object.keys(builtInAgents) as BuiltInAgentType[]).map(
    (type) =>
      new AgentRuntime(builtInAgents[type]({ redis, names, lexicon, codec }), {
        connection: redis,
        names,
        registry,
        logger,
        codec,
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
    codec,
  });
  const events = new QueueEvents(names.workflow, { connection: eventsRedis, prefix: names.prefix });
  const close = async () => {
    await events.close();
    await engine.close();
    await Promise.all(agents.map((a) => a.stop()));
    await runs.close();
    await deletePrefix(redis, names.prefix);
    for (const connection of [eventsRedis, producer, redis]) await closeRedis(connection);
  };
  try {
    await waitForReady(producer, 5000);
    await Promise.all([...agents.map((a) => a.start()), engine.start(), events.waitUntilReady()]);
  } catch (err) {
    await close();
    throw err;
  }
  return { runs, events, close };
}

/**
 * Resolves when `count` runs have ended, as their ids come through `track`: call
 * `track(id, startedAt)` for each run started (an event that comes before its run is tracked
 * is kept until it is). Rejects once all have ended when any of them failed. `ended(ms)` is
 * called for each run that completed, with the time since `startedAt`.
 */
export function awaitRuns(
  events: QueueEvents,
  count: number,
  ended?: (ms: number) => void,
): { track: (id: string, startedAt: number) => void; done: Promise<void> } {
  const startedAt = new Map<string, number>();
  const early = new Map<string, { ok: boolean; at: number }>();
  let completed = 0;
  let failed = 0;
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const count1 = (ok: boolean, ms: number) => {
    if (ok) {
      completed += 1;
      ended?.(ms);
    } else failed += 1;
    if (completed + failed < count) return;
    if (failed > 0) reject(new Error(`${failed} player turns failed`));
    else resolve();
  };
  const finish = (jobId: string, ok: boolean) => {
    const t0 = startedAt.get(jobId);
    if (t0 === undefined) {
      early.set(jobId, { ok, at: Date.now() });
      return;
    }
    startedAt.delete(jobId);
    count1(ok, Date.now() - t0);
  };
  events.on('completed', ({ jobId }) => finish(jobId, true));
  events.on('failed', ({ jobId }) => finish(jobId, false));
  const track = (id: string, t0: number) => {
    const event = early.get(id);
    if (event === undefined) {
      startedAt.set(id, t0);
      return;
    }
    early.delete(id);
    count1(event.ok, event.at - t0);
  };
  return { track, done };
}
