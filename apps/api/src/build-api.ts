import {
  AgentRegistry,
  CapabilityCatalog,
  DeadLetterQueue,
  QueueNames,
  TaskCanceller,
  TaskRouter,
  TaskService,
  type AppConfig,
} from '@tta/core';
import type { Redis } from 'ioredis';

/** Options of {@link buildApiServices}. */
export interface BuildApiServicesOptions {
  /** The loaded configuration. */
  config: AppConfig;
  /** The producer connection every service shares; the caller owns and closes it. */
  redis: Redis;
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
  /** Closes the queues the services opened (not the connection). Safe to call twice. */
  close(): Promise<void>;
}

/** Builds the catalog, registry, router and task service from config on one connection. */
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
  const close = async (): Promise<void> => {
    await tasks.close();
    await deadLetters.close();
  };
  return { names, catalog, registry, router, tasks, canceller, deadLetters, close };
}
