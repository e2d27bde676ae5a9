import {
  createMetricsRegistry,
  HttpRequestMetrics,
  registerSystemGauges,
  type AgentRegistry,
  type CapabilityCatalog,
  type Logger,
  type MetricsRegistry,
  type QueueDepths,
  type QueueNames,
  type QueueShards,
  type TaskRouter,
  type RedisClient,
} from '@tta/core';

/** Options of {@link buildApiMetrics}. */
export interface ApiMetricsOptions {
  /** Queue names of the deployment (its control shard). */
  names: QueueNames;
  /** The shards whose queue depths are shown, summed. Default: the one shard of `names`. */
  shards?: QueueShards;
  /** The producer connection: queue depths and the registry are read on it on each scrape. */
  redis: RedisClient;
  /** The live-agent registry. */
  registry: AgentRegistry;
  /** Knows the capability queues, pools included. */
  router: TaskRouter;
  /** The catalog: its agent types are always shown in the agent gauges. */
  catalog: CapabilityCatalog;
  /** Told when a scrape cannot read Redis. Default: none. */
  logger?: Logger;
}

/** The API's metrics: its registry (served at `/metrics`) and what feeds it. */
export interface ApiMetrics {
  /** The registry, with Node's process metrics and the default label `service="api"`. */
  metrics: MetricsRegistry;
  /** `tta_http_request_duration_seconds`. */
  http: HttpRequestMetrics;
  /** Job counts of every queue: `tta_queue_jobs` on scrape, and `GET /v1/diagnostics`. */
  queueDepths: QueueDepths;
  /** Closes the queue handles of the depth reads (not the connection). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The API's metrics registry: Node's process metrics, HTTP request durations, and the gauges
 * read from Redis on each scrape (queue depths, live agents, capacity and heartbeat age).
 */
export function buildApiMetrics(options: ApiMetricsOptions): ApiMetrics {
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'api' } });
  const queueDepths = registerSystemGauges(metrics, {
    connection: options.redis,
    names: options.names,
    ...(options.shards && { shards: options.shards }),
    registry: options.registry,
    router: options.router,
    catalog: options.catalog,
    ...(options.logger && { logger: options.logger }),
  });
  return {
    metrics,
    http: new HttpRequestMetrics(metrics),
    queueDepths,
    close: () => queueDepths.close(),
  };
}
