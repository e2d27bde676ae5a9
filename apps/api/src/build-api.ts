import {
  AgentRegistry,
  CapabilityCatalog,
  QueueNames,
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
  });
  const tasks = new TaskService(redis, {
    names,
    catalog,
    router,
    tasks: config.tasks,
    maxBatchSize: config.api.maxBatchSize,
  });
  return { names, catalog, registry, router, tasks, close: () => tasks.close() };
}
