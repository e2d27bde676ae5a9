import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import {
  BacklogReconciler,
  ConfigError,
  OwnerBacklog,
  RedisMemory,
  PayloadCodec,
  UNENCRYPTED_WARNING,
  AgentRegistry,
  CapabilityCatalog,
  closeAll,
  closeRedis,
  configuredLabelSets,
  createLogger,
  createMetricsRegistry,
  createRedisConnection,
  DeadAgentJobs,
  DeadLetterQueue,
  handleShutdownSignals,
  loadConfigOrExit,
  loadWorkflows,
  LocalExecutor,
  PolicyManager,
  PolicyWatcher,
  PoolPruner,
  QueueShards,
  registerSystemGauges,
  retentionAgesOf,
  RetentionSweeper,
  SAFETY_WEBHOOK_QUEUE,
  SafetyEscalation,
  startDiagnosticsServer,
  Supervisor,
  TaskRouter,
  WorkflowEngine,
  type AppConfig,
  type DiagnosticsServer,
  type Logger,
  type QueueNames,
  type RedisClient,
} from '@tta/core';
import { buildAutoscaler } from './build-autoscaler';

const WORKER_MAIN = path.resolve(__dirname, '../../worker/dist/main.js');

/**
 * The tool policy, started (and stored in Redis when none is), and the watcher of its
 * directory, which runs while this supervisor leads: `watch.start()` on leading, `watch.stop()`
 * on standing by.
 */
async function startToolPolicy(
  config: AppConfig,
  deps: { redis: RedisClient; names: QueueNames; catalog: CapabilityCatalog; logger: Logger },
): Promise<{ policies: PolicyManager; watcher: PolicyWatcher }> {
  const dir = path.resolve(config.configDir, config.policy.dir);
  const policies = new PolicyManager({
    connection: deps.redis,
    names: deps.names,
    dir,
    logger: deps.logger,
    catalog: deps.catalog,
    checkIntervalMs: config.policy.checkIntervalMs,
  });
  await policies.start();
  const watcher = new PolicyWatcher({
    policies,
    dir,
    logger: deps.logger,
    debounceMs: config.policy.watchDebounceMs,
  });
  return { policies, watcher };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({
    service: 'supervisor',
    level: config.log.level,
    format: config.log.format,
    defaultMeta: { pid: process.pid },
  });
  const redis = createRedisConnection({
    url: config.redis.url,
    role: 'worker',
    name: 'tta-supervisor',
    tlsRejectUnauthorized: config.redis.tlsRejectUnauthorized,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    logger,
  });
  const shards = new QueueShards(config.redis.prefix, { count: config.redis.shards });
  const names = shards.control;
  const metrics = createMetricsRegistry({ defaultLabels: { service: 'supervisor' } });
  const s = config.supervisor;
  const executor = s.localExecutor
    ? new LocalExecutor({
        command: (agentType) => ({
          file: process.execPath,
          args: [WORKER_MAIN, '--agent', agentType],
        }),
        logger,
        restartBackoffMs: s.restartBackoffMs,
        restartMaxBackoffMs: s.restartMaxBackoffMs,
        restartLimit: s.restartLimit,
        restartWindowMs: s.restartWindowMs,
        stopTimeoutMs: config.worker.shutdownGraceMs + 10_000,
      })
    : undefined;
  const registry = new AgentRegistry(redis, { names, ttlMs: config.registry.ttlMs, metrics });
  const catalog = new CapabilityCatalog(config.capabilities);
  const router = new TaskRouter(catalog, {
    names,
    shards,
    registry,
    pools: configuredLabelSets(config),
    maxPools: config.routing.maxPools,
  });
  const poolPruner = new PoolPruner({
    registry,
    names,
    shards,
    idleMs: config.routing.poolIdleMs,
    intervalMs: config.routing.poolPruneIntervalMs,
    logger,
  });
  const queueDepths = registerSystemGauges(metrics, {
    connection: redis,
    names,
    shards,
    registry,
    router,
    catalog,
    logger,
  });
  const codec = PayloadCodec.fromConfig(config);
  if (!codec.encrypts) logger.warn(UNENCRYPTED_WARNING);
  const workflowEngine = new WorkflowEngine({
    connection: redis,
    names,
    shards,
    workflows: loadWorkflows({
      dir: path.resolve(config.configDir, config.workflows.dir),
      catalog,
    }),
    catalog,
    router,
    tasks: config.tasks,
    safety: config.safety,
    codec,
    logger,
    metrics,
    lockDurationMs: config.worker.lockDurationMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    maxStalledCount: config.worker.maxStalledCount,
  });
  const deadLetters = new DeadLetterQueue({
    connection: redis,
    names,
    shards,
    queues: async () => [...(await router.refreshQueues()), SAFETY_WEBHOOK_QUEUE],
    logger,
    metrics,
  });
  const retention = new RetentionSweeper({
    connection: redis,
    shards,
    ages: retentionAgesOf(config),
    queues: () => router.refreshQueues(),
    logger,
    metrics,
    intervalMs: config.retention.sweepIntervalMs,
    batchSize: config.retention.batchSize,
  });
  const safety = new SafetyEscalation({
    connection: redis,
    names,
    config: config.safety,
    logger,
    metrics,
  });
  const replicas = Object.fromEntries(
    Object.entries(config.agents).map(([type, a]) => [type, a.enabled ? a.replicas : 0]),
  );
  const autoscaler = buildAutoscaler(config, {
    redis,
    names,
    shards,
    catalog,
    router,
    registry,
    localExecutor: executor,
    logger,
    metrics,
  });
  const memory = new RedisMemory(redis, {
    highWatermark: config.admission.memoryHighWatermark,
    intervalMs: config.admission.memoryCheckIntervalMs,
    logger,
  });
  memory.exportTo(metrics);
  const backlogReconciler = new BacklogReconciler({
    backlog: new OwnerBacklog(redis, { names, shards, logger }),
    intervalMs: config.admission.reconcileIntervalMs,
    olderThanMs: config.admission.reconcileAfterMs,
    logger,
  });
  const supervisor = new Supervisor({
    redis,
    names,
    registry,
    logger,
    id: `supervisor-${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`,
    replicas,
    executor,
    leaderLockTtlMs: s.leaderLockTtlMs,
    sweepIntervalMs: s.sweepIntervalMs,
    deadAgentJobs: new DeadAgentJobs({ redis, shards }),
    metrics,
    deadLetters,
    workflowEngine,
    autoscaler,
    retention,
    poolPruner,
    backlogReconciler,
    memory,
  });
  const toolPolicy = await startToolPolicy(config, { redis, names, catalog, logger });
  supervisor.on('leading', () => void toolPolicy.watcher.start());
  supervisor.on('standby', () => void toolPolicy.watcher.stop());
  let diagnostics: DiagnosticsServer | undefined;
  handleShutdownSignals({
    logger,
    forceAfterMs: config.worker.shutdownGraceMs + 15_000,
    shutdown: async () => {
      const errors = await closeAll(
        [
          ['supervisor', () => supervisor.stop()],
          ['safety escalation', () => safety.close()],
          ['autoscaler', () => autoscaler?.close()],
          ['retention sweeper', () => retention.close()],
          ['redis memory', () => memory.close()],
          ['policy watcher', () => toolPolicy.watcher.stop()],
          ['tool policy', () => toolPolicy.policies.close()],
          ['dead-letter queue', () => deadLetters.close()],
          ['queue depths', () => queueDepths.close()],
          ['diagnostics', () => diagnostics?.close()],
          ['redis', () => closeRedis(redis)],
        ],
        logger,
      );
      if (errors[0]) throw errors[0];
    },
  });
  await memory.start();
  await supervisor.start();
  await safety.start();
  if (s.diagnosticsPort >= 0) {
    diagnostics = await startDiagnosticsServer({
      port: s.diagnosticsPort,
      host: config.diagnostics.host,
      ...(config.diagnostics.token && { token: config.diagnostics.token }),
      metrics,
      health: () => ({ ok: supervisor.state === 'running', leader: supervisor.isLeader }),
    });
  }
  logger.info('supervisor started', {
    replicas,
    localExecutor: s.localExecutor,
    diagnosticsPort: diagnostics?.port,
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `supervisor failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
