import path from 'node:path';
import {
  AgentRegistry,
  CapabilityCatalog,
  closeAll,
  closeRedis,
  createRedisConnection,
  DeadLetterQueue,
  JobEventStream,
  loadWorkflows,
  QueueNames,
  TaskCanceller,
  TaskRouter,
  TaskService,
  WorkflowCanceller,
  WorkflowRuns,
  type AppConfig,
  type Logger,
  type WorkflowDefinition,
} from '@tta/core';
import type { Redis } from 'ioredis';

/** Options of {@link buildApiServices}. */
export interface BuildApiServicesOptions {
  /** The loaded configuration. */
  config: AppConfig;
  /** The producer connection every service shares; the caller owns and closes it. */
  redis: Redis;
  /** Receives errors of the connections the services open. Default: none. */
  logger?: Logger;
}

/** The domain objects behind the API. */
export interface ApiServices {
  names: QueueNames;
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
  const names = new QueueNames(config.redis.prefix);
  const catalog = new CapabilityCatalog(config.capabilities);
  const registry = new AgentRegistry(redis, { names, ttlMs: config.registry.ttlMs });
  const router = new TaskRouter(catalog, {
    names,
    registry,
    noLiveAgent: config.routing.noLiveAgent,
    snapshotTtlMs: config.routing.snapshotTtlMs,
  });
  const deadLetters = new DeadLetterQueue({
    connection: redis,
    names,
    queues: () => router.refreshQueues(),
    retentionMs: config.tasks.keepDeadLetteredSeconds * 1000,
  });
  const tasks = new TaskService(redis, {
    names,
    catalog,
    router,
    tasks: config.tasks,
    maxBatchSize: config.api.maxBatchSize,
    deadLetters,
  });
  const canceller = new TaskCanceller(redis, {
    names,
    router,
    tasks,
    tombstoneTtlMs: config.tasks.keepFailedSeconds * 1000,
  });
  const { workflows, workflowRuns, workflowCanceller } = buildWorkflowServices(config, redis, {
    names,
    catalog,
    canceller,
  });
  const { events, eventsRedis } = openJobEventStream(config, names, options.logger);
  let closing: Promise<unknown> | undefined;
  const close = async (): Promise<void> => {
    closing ??= closeAll(
      [
        ['job events', () => events.close()],
        ['event connection', () => closeRedis(eventsRedis)],
        ['workflow runs', () => workflowRuns.close()],
        ['tasks', () => tasks.close()],
        ['dead letters', () => deadLetters.close()],
      ],
      options.logger,
    );
    await closing;
  };
  return {
    names,
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
    close,
  };
}

type WorkflowServices = Pick<ApiServices, 'workflows' | 'workflowRuns' | 'workflowCanceller'>;

/** Loads the workflow definitions of config `workflows.dir` and builds what runs them. */
function buildWorkflowServices(
  config: AppConfig,
  redis: Redis,
  deps: Pick<ApiServices, 'names' | 'catalog' | 'canceller'>,
): WorkflowServices {
  const { names, catalog, canceller } = deps;
  const workflows = loadWorkflows({
    dir: path.resolve(config.configDir, config.workflows.dir),
    catalog,
  });
  const workflowRuns = new WorkflowRuns(redis, { names, workflows, catalog, tasks: config.tasks });
  const workflowCanceller = new WorkflowCanceller({ runs: workflowRuns, tasks: canceller });
  return { workflows, workflowRuns, workflowCanceller };
}

/** The job event stream, on a worker-role connection of its own (its listeners block). */
function openJobEventStream(
  config: AppConfig,
  names: QueueNames,
  logger: Logger | undefined,
): { events: JobEventStream; eventsRedis: Redis } {
  const eventsRedis = createRedisConnection({
    url: config.redis.url,
    role: 'worker',
    tlsRejectUnauthorized: config.redis.tlsRejectUnauthorized,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    name: 'tta-api-events',
    ...(logger && { logger }),
  });
  const events = new JobEventStream({ connection: eventsRedis, names, ...(logger && { logger }) });
  return { events, eventsRedis };
}
