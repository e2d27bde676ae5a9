import path from 'node:path';
import {
  AgentRuntime,
  defineAgent,
  type AgentHandler,
  type AgentRuntimeOptions,
  type ResolvedAgentDefinition,
} from '@tta/agent-sdk';
import { builtInAgents, loadSafetyLexicon, type BuiltInAgentType } from '@tta/agents';
import {
  AgentRegistry,
  CapabilityCatalog,
  createLogger,
  createMetricsRegistry,
  loadConfig,
  loadWorkflows,
  TaskRouter,
  waitForReady,
  WorkflowEngine,
  WorkflowRuns,
  type AppConfig,
  QueueNames,
  type WorkflowEngineOptions,
  type WorkflowRunStatus,
  type WorkflowRunView,
} from '@tta/core';
import { createTestRedis, deletePrefix, uniqueNames, waitFor } from '@tta/test-utils';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

/** Options of {@link createWorkflowHarness}. */
export interface WorkflowHarnessOptions {
  /** Directory of the workflow definitions. Default: the repository's `config/workflows`. */
  workflowsDir?: string;
  /** Extra catalog entries, merged over the repository's. */
  capabilities?: Record<string, unknown>;
  /** Where the agents' LLM calls go, and their policy. Default: an offline gateway, no policy. */
  agentOptions?: Pick<AgentRuntimeOptions, 'llm' | 'llmPolicy'>;
  /** Config values over the repository's (e.g. `{ safety: { screenDeadlineMs: 1000 } }`). */
  config?: Record<string, unknown>;
  /** Key prefix, to run the agents and engines under an API harness's. Default: a fresh one. */
  prefix?: string;
  /** Redis of every connection (a test's own `redis-server`). Default: the test Redis. */
  redisUrl?: string;
}

/** Handler invocations per capability, across every agent of the harness. */
export type Invocations = Record<string, number>;

/** A workflow system in one process: real Redis, real agents, real engines. */
export interface WorkflowHarness {
  redis: Redis;
  names: QueueNames;
  config: AppConfig;
  catalog: CapabilityCatalog;
  runs: WorkflowRuns;
  metrics: Registry;
  invocations: Invocations;
  /** Picks the queue of each step's task. */
  router: TaskRouter;
  /**
   * Starts the built-in agents (counting their handler invocations); `wrap` may replace a
   * handler to hold or fail its tasks.
   */
  startBuiltInAgents(
    wrap?: (definition: ResolvedAgentDefinition) => AgentHandler,
    only?: readonly BuiltInAgentType[],
  ): Promise<void>;
  /** Starts an agent of `definition` (counting its handler invocations). */
  startAgent(definition: ResolvedAgentDefinition): Promise<AgentRuntime>;
  /** A started engine; closed with the harness. */
  startEngine(options?: Partial<WorkflowEngineOptions>): Promise<WorkflowEngine>;
  /** Waits until run `id` reads one of `statuses`. */
  waitForRun(id: string, statuses?: WorkflowRunStatus[]): Promise<WorkflowRunView>;
  close(): Promise<void>;
}

const REPO_CONFIG = path.resolve(__dirname, '../../config');
const FINAL: WorkflowRunStatus[] = ['completed', 'failed', 'cancelled'];

/** Builds a {@link WorkflowHarness} under a fresh key prefix, once its connections are ready. */
export async function createWorkflowHarness(
  options: WorkflowHarnessOptions = {},
): Promise<WorkflowHarness> {
  const names = options.prefix === undefined ? uniqueNames() : new QueueNames(options.prefix);
  const redis = createTestRedis('worker', options.redisUrl);
  const producer = createTestRedis('producer', options.redisUrl);
  const logger = createLogger({ level: 'error' });
  const config = loadConfig({
    env: {},
    overrides: {
      ...options.config,
      redis: { prefix: names.prefix },
      capabilities: options.capabilities ?? {},
    },
  });
  const catalog = new CapabilityCatalog(config.capabilities);
  const registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
  const router = new TaskRouter(catalog, { names });
  const workflows = loadWorkflows({
    dir: options.workflowsDir ?? path.join(REPO_CONFIG, 'workflows'),
    catalog,
  });
  const runs = new WorkflowRuns(producer, { names, workflows, catalog, tasks: config.tasks });
  const metrics = createMetricsRegistry();
  const invocations: Invocations = {};
  const agents: AgentRuntime[] = [];
  const engines: WorkflowEngine[] = [];

  if (!(await waitForReady(producer, 5000))) throw new Error('test Redis is not ready');

  const counted = (definition: ResolvedAgentDefinition): ResolvedAgentDefinition =>
    defineAgent({
      ...definition,
      handler: (task, ctx) => {
        invocations[task.capability] = (invocations[task.capability] ?? 0) + 1;
        return definition.handler(task, ctx);
      },
    });

  const startAgent = async (definition: ResolvedAgentDefinition) => {
    const runtime = new AgentRuntime(counted(definition), {
      connection: redis,
      names,
      registry,
      logger,
      heartbeatIntervalMs: 500,
      ...options.agentOptions,
    });
    agents.push(runtime);
    await runtime.start();
    return runtime;
  };

  return {
    redis,
    names,
    config,
    catalog,
    runs,
    router,
    metrics,
    invocations,
    startAgent,
    async startBuiltInAgents(wrap, only) {
      const lexicon = loadSafetyLexicon(path.join(REPO_CONFIG, config.safety.lexiconFile));
      const types = only ?? (Object.keys(builtInAgents) as BuiltInAgentType[]);
      for (const type of types) {
        const definition = builtInAgents[type]({ redis, names, lexicon });
        await startAgent(wrap ? { ...definition, handler: wrap(definition) } : definition);
      }
    },
    async startEngine(extra = {}) {
      const engine = new WorkflowEngine({
        connection: redis,
        names,
        workflows,
        catalog,
        router,
        tasks: config.tasks,
        safety: config.safety,
        logger,
        metrics,
        ...extra,
      });
      engines.push(engine);
      await engine.start();
      return engine;
    },
    async waitForRun(id, statuses = FINAL) {
      return waitFor(
        async () => {
          const view = await runs.get(id);
          return statuses.includes(view.status) ? view : undefined;
        },
        { timeoutMs: 20_000, what: `run ${id} to be ${statuses.join(' or ')}` },
      );
    },
    async close() {
      await Promise.all(engines.map((engine) => engine.close()));
      await Promise.all(agents.map((agent) => agent.stop()));
      await runs.close();
      await deletePrefix(redis, names.prefix);
      await producer.quit();
      await redis.quit();
    },
  };
}
