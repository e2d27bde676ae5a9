import {
  autoscaledAgentTypes,
  Autoscaler,
  ComposeExecutor,
  ConfigError,
  ExternalExecutor,
  type AgentRegistry,
  type AppConfig,
  type CapabilityCatalog,
  type LocalExecutor,
  type Logger,
  type MetricsRegistry,
  type QueueNames,
  type QueueShards,
  type ScalingExecutor,
  type TaskRouter,
  type RedisClient,
} from '@tta/core';

/** What {@link buildAutoscaler} wires together. */
export interface AutoscalerDeps {
  redis: RedisClient;
  names: QueueNames;
  /** Every shard of the deployment, whose queues the autoscaler reads. */
  shards?: QueueShards;
  catalog: CapabilityCatalog;
  router: TaskRouter;
  registry: AgentRegistry;
  /** The supervisor's local executor, when `supervisor.localExecutor` is on. */
  localExecutor?: LocalExecutor;
  logger: Logger;
  metrics: MetricsRegistry;
}

/** The executor of config `autoscaler.executor`; throws a ConfigError on a bad combination. */
function scalingExecutor(config: AppConfig, deps: AutoscalerDeps): ScalingExecutor {
  const { executor, compose } = config.autoscaler;
  if (executor === 'local') {
    if (!deps.localExecutor) {
      throw new ConfigError('autoscaler.executor: local needs supervisor.localExecutor true');
    }
    return deps.localExecutor;
  }
  if (deps.localExecutor) {
    throw new ConfigError(
      `autoscaler.executor: ${executor} needs supervisor.localExecutor false (workers run elsewhere)`,
    );
  }
  if (executor === 'external') return new ExternalExecutor();
  return new ComposeExecutor({
    logger: deps.logger,
    run: compose.run,
    file: compose.file || undefined,
    project: compose.project || undefined,
    service: (type) => `${compose.servicePrefix}${type}`,
  });
}

/** Counts the registry's ready agents by type. */
async function liveAgentsByType(registry: AgentRegistry): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const agent of await registry.list({ status: 'ready' })) {
    out[agent.type] = (out[agent.type] ?? 0) + 1;
  }
  return out;
}

/** The autoscaler of config `autoscaler` with its executor, when enabled. */
export function buildAutoscaler(config: AppConfig, deps: AutoscalerDeps): Autoscaler | undefined {
  const a = config.autoscaler;
  if (!a.enabled) return undefined;
  const { catalog, router } = deps;
  return new Autoscaler({
    connection: deps.redis,
    names: deps.names,
    ...(deps.shards && { shards: deps.shards }),
    executor: scalingExecutor(config, deps),
    logger: deps.logger,
    metrics: deps.metrics,
    agentTypes: autoscaledAgentTypes(config.agents),
    queuesOf: async (type) => {
      await router.refreshQueues();
      return catalog.forAgentType(type).flatMap((capability) => router.queuesOf(capability));
    },
    liveAgents: () => liveAgentsByType(deps.registry),
    intervalMs: a.intervalMs,
    maxStepUp: a.maxStepUp,
    scaleDownAfterMs: a.scaleDownAfterMs,
    targetUtilization: a.targetUtilization,
    drainSeconds: a.drainSeconds,
    hysteresis: a.hysteresis,
  });
}
