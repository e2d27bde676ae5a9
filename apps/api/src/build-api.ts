import path from 'node:path';
import {
  AdmissionControl,
  OwnerBacklog,
  RedisMemory,
  PayloadCodec,
  UNENCRYPTED_WARNING,
  AgentControl,
  AgentRegistry,
  CapabilityCatalog,
  closeAll,
  closeRedis,
  configuredLabelSets,
  CostLedger,
  createRedisConnection,
  DeadLetterQueue,
  JobEventStream,
  loadWorkflows,
  PolicyManager,
  QueueShards,
  SafetyEventFeed,
  SafetyEventStore,
  SafetyMetrics,
  SessionBudget,
  SessionEraser,
  TaskCanceller,
  TaskRouter,
  TaskService,
  WorkflowCanceller,
  WorkflowRuns,
  type AppConfig,
  type Logger,
  type QueueNames,
  type RedisClient,
  type WorkflowDefinition,
} from '@tta/core';
import { BoardQueues } from './admin/board-queues';
import { buildApiMetrics, type ApiMetrics } from './api-metrics';

/** Options of {@link buildApiServices}. */
export interface BuildApiServicesOptions {
  /** The loaded configuration. */
  config: AppConfig;
  /** The producer connection every service shares; the caller owns and closes it. */
  redis: RedisClient;
  /** Receives errors of the connections the services open. Default: none. */
  logger?: Logger;
}

/** The domain objects behind the API. */
export interface ApiServices {
  /** Names of the control shard (registry, policy, costs...). */
  names: QueueNames;
  /** Every shard of the deployment (config `redis.shards`). */
  shards: QueueShards;
  catalog: CapabilityCatalog;
  registry: AgentRegistry;
  router: TaskRouter;
  tasks: TaskService;
  /** Cancels tasks. */
  canceller: TaskCanceller;
  /** Lists, retries and removes dead-lettered tasks. */
  deadLetters: DeadLetterQueue;
  /** The events of single jobs, read on a worker-role connection of its own. */
  events: JobEventStream;
  /** The workflow definitions of config `workflows.dir`, by name. */
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  /** Starts, reads and cancels workflow runs. */
  workflowRuns: WorkflowRuns;
  /** Cancels workflow runs and their running steps. */
  workflowCanceller: WorkflowCanceller;
  /** The cost ledger: tokens and cost of LLM calls (`GET /v1/costs`), and session budgets. */
  costs: CostLedger;
  /** Gives drain commands to live agents (the agents page, `POST /v1/agents/:id/drain`). */
  agentControl: AgentControl;
  /** The queues Bull Board shows, on the producer connection. */
  boardQueues: BoardQueues;
  /** The configuration the services were built from (redacted in `GET /v1/diagnostics`). */
  config: AppConfig;
  /** The API's metrics registry (`GET /metrics`) and what feeds it. */
  apiMetrics: ApiMetrics;
  /** The tool policy (`/v1/policy`): `start()` it before serving, it is closed with the services. */
  policies: PolicyManager;
  /** Safety events and their review (`/v1/safety/...`). */
  safetyEvents: SafetyEventStore;
  /** Erases player sessions (`DELETE /v1/sessions/:id`). */
  sessionEraser: SessionEraser;
  /** The live feed of safety events, on a connection of its own while anyone listens. */
  safetyFeed: SafetyEventFeed;
  /** The safety metrics of the API (time to acknowledge). */
  safetyMetrics: SafetyMetrics;
  /** Redis's memory (`/readyz`, `tta_redis_memory_ratio`): `start()` it before serving. */
  memory: RedisMemory;
  /** What new work is taken (config `admission`); none while `admission.enabled` is off. */
  admission?: AdmissionControl;
  /**
   * Closes the event stream (ending open event streams), the queues and the connection the
   * services opened, not the producer connection. Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * Builds the catalog, registry, router, task service and workflow runs from config on the
 * producer connection, and the job event stream on a worker-role connection of its own. Throws
 * a `ConfigError` naming the file when a workflow definition is invalid.
 */
export function buildApiServices(options: BuildApiServicesOptions): ApiServices {
  const { config, redis } = options;
  const shards = new QueueShards(config.redis.prefix, { count: config.redis.shards });
  const names = shards.control;
  const catalog = new CapabilityCatalog(config.capabilities);
  const registry = new AgentRegistry(redis, { names, ttlMs: config.registry.ttlMs });
  const router = new TaskRouter(catalog, {
    names,
    shards,
    registry,
    noLiveAgent: config.routing.noLiveAgent,
    snapshotTtlMs: config.routing.snapshotTtlMs,
    pools: configuredLabelSets(config),
    maxPools: config.routing.maxPools,
  });
  const apiMetrics = buildApiMetrics({
    names,
    shards,
    redis,
    registry,
    router,
    catalog,
    ...(options.logger && { logger: options.logger }),
  });
  const deadLetters = new DeadLetterQueue({
    connection: redis,
    names,
    shards,
    queues: () => router.refreshQueues(),
    retentionMs: config.tasks.keepDeadLetteredSeconds * 1000,
  });
  const costs = new CostLedger(redis, {
    names,
    retentionMs: config.costs.retentionDays * 86_400_000,
  });
  const sessionBudget = sessionBudgetOf(config, costs);
  const { memory, backlog, admission } = buildAdmission(config, redis, {
    names,
    shards,
    apiMetrics,
    logger: options.logger,
  });
  const codec = PayloadCodec.fromConfig(config);
  if (!codec.encrypts) options.logger?.warn(UNENCRYPTED_WARNING);
  const tasks = new TaskService(redis, {
    codec,
    names,
    shards,
    catalog,
    router,
    tasks: config.tasks,
    maxBatchSize: config.api.maxBatchSize,
    deadLetters,
    ...(sessionBudget && { sessionBudget }),
    ...(admission && { admission }),
  });
  const canceller = new TaskCanceller(redis, {
    names,
    router,
    tasks,
    tombstoneTtlMs: config.tasks.keepFailedSeconds * 1000,
    metrics: apiMetrics.metrics,
    backlog,
  });
  const { workflows, workflowRuns, workflowCanceller } = buildWorkflowServices(config, redis, {
    names,
    shards,
    catalog,
    canceller,
    sessionBudget,
    codec,
    admission,
  });
  const { events, eventsRedis } = openJobEventStream(config, shards, options.logger);
  const agentControl = new AgentControl(redis, {
    names,
    registry,
    drainTtlMs: config.admin.drainRequestTtlMs,
  });
  const boardQueues = new BoardQueues({
    connection: redis,
    names,
    shards,
    router,
    catalog,
    ...(options.logger && { logger: options.logger }),
  });
  const policies = new PolicyManager({
    connection: redis,
    names,
    dir: path.resolve(config.configDir, config.policy.dir),
    catalog,
    checkIntervalMs: config.policy.checkIntervalMs,
    ...(options.logger && { logger: options.logger }),
  });
  const safetyEvents = SafetyEventStore.fromConfig(redis, names, config.safety);
  const safetyFeed = new SafetyEventFeed(redis, safetyEvents, options.logger);
  const safetyMetrics = new SafetyMetrics(apiMetrics.metrics);
  const sessionEraser = new SessionEraser({
    connection: redis,
    shards,
    queues: () => router.refreshQueues(),
    deadLetters,
    cancelTask: (id) => canceller.cancel(id, { reason: 'session erased' }),
    cancelRun: (id) => workflowRuns.cancel(id, { reason: 'session erased' }),
    costRetentionMs: config.costs.retentionDays * 86_400_000,
    idempotencyWindowMs: config.tasks.idempotencyWindowSeconds * 1000,
    ...(options.logger && { logger: options.logger }),
  });
  let closing: Promise<unknown> | undefined;
  const close = async (): Promise<void> => {
    closing ??= closeAll(
      [
        ['session eraser', () => sessionEraser.close()],
        ['safety feed', () => safetyFeed.close()],
        ['tool policy', () => policies.close()],
        ['board queues', () => boardQueues.close()],
        ['job events', () => events.close()],
        ['event connection', () => closeRedis(eventsRedis)],
        ['workflow runs', () => workflowRuns.close()],
        ['tasks', () => tasks.close()],
        ['dead letters', () => deadLetters.close()],
        ['metrics', () => apiMetrics.close()],
        ['redis memory', () => memory.close()],
        ['owner backlog', () => backlog.close()],
      ],
      options.logger,
    );
    await closing;
  };
  return {
    names,
    shards,
    catalog,
    registry,
    router,
    tasks,
    canceller,
    deadLetters,
    events,
    workflows,
    workflowRuns,
    workflowCanceller,
    costs,
    agentControl,
    boardQueues,
    config,
    apiMetrics,
    policies,
    safetyEvents,
    sessionEraser,
    safetyFeed,
    safetyMetrics,
    memory,
    ...(admission && { admission }),
    close,
  };
}

/** Redis's memory watcher, the owners' backlogs and, with `admission.enabled`, admission control. */
function buildAdmission(
  config: AppConfig,
  redis: RedisClient,
  deps: { names: QueueNames; shards: QueueShards; apiMetrics: ApiMetrics; logger?: Logger },
): { memory: RedisMemory; backlog: OwnerBacklog; admission?: AdmissionControl } {
  const { names, shards, apiMetrics, logger } = deps;
  const settings = config.admission;
  const memory = new RedisMemory(redis, {
    highWatermark: settings.memoryHighWatermark,
    intervalMs: settings.memoryCheckIntervalMs,
    ...(logger && { logger }),
  });
  memory.exportTo(apiMetrics.metrics);
  const backlog = new OwnerBacklog(redis, { names, shards, ...(logger && { logger }) });
  if (!settings.enabled) return { memory, backlog };
  const admission = new AdmissionControl({
    memory,
    depths: apiMetrics.queueDepths,
    backlog,
    maxWaitingPerQueue: settings.maxWaitingPerQueue,
    maxWaitingPerOwner: settings.maxWaitingPerOwner,
    refreshMs: settings.depthRefreshMs,
    retryAfterSeconds: settings.retryAfterSeconds,
    metrics: apiMetrics.metrics,
  });
  return { memory, backlog, admission };
}

type WorkflowServices = Pick<ApiServices, 'workflows' | 'workflowRuns' | 'workflowCanceller'>;

/** Loads the workflow definitions of config `workflows.dir` and builds what runs them. */
function buildWorkflowServices(
  config: AppConfig,
  redis: RedisClient,
  deps: Pick<ApiServices, 'names' | 'shards' | 'catalog' | 'canceller'> & {
    sessionBudget?: SessionBudget;
    codec: PayloadCodec;
    admission?: AdmissionControl;
  },
): WorkflowServices {
  const { names, shards, catalog, canceller, sessionBudget, codec, admission } = deps;
  const workflows = loadWorkflows({
    dir: path.resolve(config.configDir, config.workflows.dir),
    catalog,
  });
  const workflowRuns = new WorkflowRuns(redis, {
    codec,
    names,
    shards,
    workflows,
    catalog,
    tasks: config.tasks,
    ...(sessionBudget && { sessionBudget }),
    ...(admission && { admission }),
  });
  const workflowCanceller = new WorkflowCanceller({ runs: workflowRuns, tasks: canceller });
  return { workflows, workflowRuns, workflowCanceller };
}

/** The session budget of config `costs.budgets.sessionUsd`, when one is set. */
function sessionBudgetOf(config: AppConfig, costs: CostLedger): SessionBudget | undefined {
  const limitUsd = config.costs.budgets.sessionUsd;
  return limitUsd === null ? undefined : new SessionBudget(costs, { limitUsd });
}

/** The job event stream, on a worker-role connection of its own (its listeners block). */
function openJobEventStream(
  config: AppConfig,
  shards: QueueShards,
  logger: Logger | undefined,
): { events: JobEventStream; eventsRedis: RedisClient } {
  const eventsRedis = createRedisConnection({
    url: config.redis.url,
    role: 'worker',
    tlsRejectUnauthorized: config.redis.tlsRejectUnauthorized,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    name: 'tta-api-events',
    ...(logger && { logger }),
  });
  const events = new JobEventStream({
    connection: eventsRedis,
    names: shards.control,
    shards,
    ...(logger && { logger }),
  });
  return { events, eventsRedis };
}
