import path from 'node:path';
import {
  AgentRuntime,
  defineAgent,
  LlmGateway,
  type ResolvedAgentDefinition,
} from '@tta/agent-sdk';
import { builtInAgents, loadSafetyLexicon, type BuiltInAgentType } from '@tta/agents';
import {
  AgentRegistry,
  Autoscaler,
  CapabilityCatalog,
  closeAll,
  createLogger,
  createMetricsRegistry,
  DeadLetterQueue,
  ExternalExecutor,
  loadWorkflows,
  LocalExecutor,
  QueueShards,
  registerSystemGauges,
  retentionAgesOf,
  RetentionSweeper,
  SafetyEscalation,
  RedisMemory,
  Supervisor,
  TaskRouter,
  WorkflowEngine,
  type AppConfig,
  type MetricsRegistry,
  type QueueNames,
} from '@tta/core';
import { createTestRedis, once } from '@tta/test-utils';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/** Capabilities of the test agent, to add to the catalog of the API harness. */
export const TEST_CAPABILITIES = {
  'test.flaky': { agentType: 'test-agent', attempts: 3, backoffMs: 10 },
  'test.doomed': { agentType: 'test-agent', attempts: 2, backoffMs: 10 },
  'test.stall': { agentType: 'test-agent', attempts: 3 },
};

/** An agent type whose workers die at once, so the supervisor's executor restarts them. */
export const CRASHING_AGENT = 'crashing-agent';

/** An agent type the supervisor's autoscaler scales through an external executor. */
export const SCALED_AGENT = 'scaled-agent';

/** Options of {@link startMetricsSystem}. */
export interface MetricsSystemOptions {
  /** The API harness's config: its prefix and catalog (with {@link TEST_CAPABILITIES}). */
  config: AppConfig;
  /** Queue names of that prefix. */
  names: QueueNames;
}

/**
 * The worker and supervisor sides of a deployment in this process, each with the metrics
 * registry its process would have: the built-in agents and a test agent (a flaky, a doomed and
 * a plain capability) sharing one worker registry, and a supervisor with its workflow engine,
 * dead-letter queue, system gauges and a local executor whose workers crash.
 */
export interface MetricsSystem {
  /** What a worker process serves at `/metrics`. */
  workerMetrics: MetricsRegistry;
  /** What the supervisor serves at `/metrics`. */
  supervisorMetrics: MetricsRegistry;
  supervisor: Supervisor;
  /** Starts the built-in agents and the test agent. */
  startAgents(): Promise<void>;
  /** Stops the agent of `type` (it deregisters: a `left` event). */
  stopAgent(type: string): Promise<void>;
  /**
   * Takes the next job of `queue` as a worker that then dies would (a manual BullMQ worker
   * that never renews the lock), so that its lock expires and the job stalls. Returns its id.
   */
  abandonJob(queue: string): Promise<string>;
  /** Registers an agent of `type` whose last heartbeat is a minute old: the next sweep finds it dead. */
  registerDeadAgent(type: string): Promise<void>;
  close(): Promise<void>;
}

const logger = createLogger({ level: 'error' });

/** Builds and starts the supervisor side; the agents start with {@link MetricsSystem.startAgents}. */
export async function startMetricsSystem(options: MetricsSystemOptions): Promise<MetricsSystem> {
  const { config, names } = options;
  const redis = createTestRedis('worker');
  if (redis.status !== 'ready') await once(redis, 'ready', 5000);
  const workerMetrics = createMetricsRegistry({ defaultLabels: { service: 'worker' } });
  const supervisorMetrics = createMetricsRegistry({ defaultLabels: { service: 'supervisor' } });
  const agents = buildAgents(redis, options, workerMetrics);
  const side = buildSupervisor(redis, options, supervisorMetrics);
  await side.supervisor.start();
  await side.safety.start();
  return {
    workerMetrics,
    supervisorMetrics,
    supervisor: side.supervisor,
    startAgents: () => agents.start(),
    stopAgent: (type) => agents.stop(type),
    abandonJob: (queue) => abandonJob(redis, names, queue),
    async registerDeadAgent(type) {
      const ttlMs = config.registry.ttlMs;
      const past = new AgentRegistry(redis, { names, ttlMs, now: () => Date.now() - 60_000 });
      await past.register(ghostOf(type));
    },
    async close() {
      await closeAll([
        ['agents', () => agents.stopAll()],
        ['supervisor', () => side.supervisor.stop()],
        ['safety escalation', () => side.safety.close()],
        ['dead letters', () => side.deadLetters.close()],
        ['autoscaler', () => side.autoscaler.close()],
        ['retention sweeper', () => side.retention.close()],
        ['queue depths', () => side.close()],
        ['redis', () => redis.quit()],
      ]);
    },
  };
}

// The built-in agents and the test agent, as worker processes would run them, on one registry.
function buildAgents(
  redis: Redis,
  { config, names }: MetricsSystemOptions,
  metrics: MetricsRegistry,
) {
  const registry = new AgentRegistry(redis, { names, ttlMs: config.registry.ttlMs, metrics });
  // The offline provider: its calls count tokens (at no cost) as a real provider's would.
  const llm = new LlmGateway({ metrics });
  const runtimes = new Map<string, AgentRuntime>();
  const startAgent = async (definition: ResolvedAgentDefinition): Promise<void> => {
    const runtime = new AgentRuntime(definition, {
      connection: redis,
      names,
      registry,
      logger,
      metrics,
      llm,
      heartbeatIntervalMs: 500,
      // The test agent tunes its concurrency, as `agents.<type>.tuning` makes a worker do.
      tuning: definition.type === 'test-agent' ? { enabled: true, intervalMs: 200 } : undefined,
    });
    runtimes.set(definition.type, runtime);
    await runtime.start();
  };
  return {
    async start() {
      const lexicon = loadSafetyLexicon(path.resolve(config.configDir, config.safety.lexiconFile));
      for (const type of Object.keys(builtInAgents) as BuiltInAgentType[]) {
        await startAgent(builtInAgents[type]({ redis, names, lexicon, metrics }));
      }
      await startAgent(testAgent());
    },
    stop: async (type: string) => runtimes.get(type)?.stop(),
    stopAll: () => Promise.all([...runtimes.values()].map((r) => r.stop())),
  };
}

function buildSupervisor(
  redis: Redis,
  { config, names }: MetricsSystemOptions,
  metrics: MetricsRegistry,
) {
  const registry = new AgentRegistry(redis, { names, ttlMs: config.registry.ttlMs, metrics });
  const catalog = new CapabilityCatalog(config.capabilities);
  const router = new TaskRouter(catalog, { names, registry });
  const depths = registerSystemGauges(metrics, {
    connection: redis,
    names,
    registry,
    router,
    catalog,
  });
  const workflowEngine = new WorkflowEngine({
    connection: redis,
    names,
    workflows: loadWorkflows({
      dir: path.resolve(config.configDir, config.workflows.dir),
      catalog,
    }),
    catalog,
    router,
    tasks: config.tasks,
    safety: config.safety,
    logger,
    metrics,
  });
  const deadLetters = new DeadLetterQueue({
    connection: redis,
    names,
    queues: () => router.refreshQueues(),
    logger,
    metrics,
  });
  const executor = new LocalExecutor({
    command: () => ({ file: process.execPath, args: ['-e', 'process.exit(3)'] }),
    logger,
    // A restart is counted when it is scheduled; a slow backoff keeps the crashes few.
    restartBackoffMs: 1000,
  });
  // From none to its minimum at the first decision: an `up` decision, published.
  const autoscaler = new Autoscaler({
    connection: redis,
    names,
    executor: new ExternalExecutor(),
    logger,
    metrics,
    agentTypes: { [SCALED_AGENT]: { minReplicas: 1, maxReplicas: 2, concurrency: 1 } },
    queuesOf: () => [],
    intervalMs: 100,
  });
  // With the configured ages nothing is old enough: its counter reads 0 for every class.
  const retention = new RetentionSweeper({
    connection: redis,
    shards: new QueueShards(names.prefix),
    ages: retentionAgesOf(config),
    queues: () => router.refreshQueues(),
    logger,
    metrics,
  });
  // As the supervisor's main: tta_redis_memory_ratio, and the sweep held while Redis is full.
  const memory = new RedisMemory(redis, { intervalMs: config.admission.memoryCheckIntervalMs });
  memory.exportTo(metrics);
  void memory.start();
  const supervisor = new Supervisor({
    redis,
    names,
    registry,
    logger,
    memory,
    id: 'supervisor-metrics-test',
    replicas: { [CRASHING_AGENT]: 1 },
    executor,
    sweepIntervalMs: 200,
    metrics,
    deadLetters,
    workflowEngine,
    autoscaler,
    retention,
  });
  const safety = new SafetyEscalation({
    connection: redis,
    names,
    config: config.safety,
    logger,
    metrics,
  });
  const close = () => Promise.all([depths.close(), memory.close()]).then(() => undefined);
  return { supervisor, deadLetters, autoscaler, retention, safety, close };
}

// test.flaky fails its first attempt, test.doomed every attempt, test.stall never; the tasks
// that succeed make an LLM call.
function testAgent(): ResolvedAgentDefinition {
  return defineAgent({
    type: 'test-agent',
    capabilities: Object.keys(TEST_CAPABILITIES),
    concurrency: 4,
    handler: async (task, ctx) => {
      if (task.capability === 'test.doomed') throw new Error('doomed');
      if (task.capability === 'test.flaky' && task.attempt === 1) throw new Error('flaky');
      await ctx.llm.complete({ messages: [{ role: 'user', content: 'How is the garden?' }] });
      return { ok: true };
    },
  });
}

async function abandonJob(redis: Redis, names: QueueNames, queue: string): Promise<string> {
  const worker = new Worker(queue, null, {
    connection: redis,
    prefix: names.prefix,
    autorun: false,
    lockDuration: 1000,
  });
  try {
    const job = await worker.getNextJob('abandoned-token', { block: false });
    if (!job?.id) throw new Error(`no job to abandon in ${queue}`);
    return job.id;
  } finally {
    await worker.close(true);
  }
}

function ghostOf(type: string) {
  return {
    id: `${type}-ghost`,
    type,
    capabilities: [],
    labels: {},
    queues: [],
    concurrency: 1,
    host: 'nowhere',
    pid: 0,
    version: '0.0.0',
    startedAt: Date.now() - 60_000,
  };
}
