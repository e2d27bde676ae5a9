import path from 'node:path';
import { parseArgs } from 'node:util';
import { AgentRuntime, createLlmGateway, LlmCallMemo } from '@tta/agent-sdk';
import { builtInAgents, isBuiltInAgentType, loadAgent, loadSafetyLexicon } from '@tta/agents';
import {
  PayloadCodec,
  UNENCRYPTED_WARNING,
  AgentRegistry,
  CapabilityCatalog,
  closeAll,
  closeRedis,
  ConfigError,
  CostLedger,
  createLogger,
  createMetricsRegistry,
  createRedisConnection,
  type DiagnosticsServer,
  handleShutdownSignals,
  loadConfigOrExit,
  PolicyManager,
  QueueShards,
  retentionAgesOf,
  startDiagnosticsServer,
} from '@tta/core';

function agentTypeFromArgs(): string {
  const { values } = parseArgs({ options: { agent: { type: 'string' } }, strict: true });
  const type = values.agent ?? process.env.AGENT_TYPE;
  if (!type) {
    const known = Object.keys(builtInAgents).join(', ');
    process.stderr.write(
      `worker: --agent <type> (or AGENT_TYPE) is required; built-in types: ${known}\n`,
    );
    process.exit(2);
  }
  return type;
}

async function main(): Promise<void> {
  const agentType = agentTypeFromArgs();
  const config = loadConfigOrExit();
  const agentConfig = config.agents[agentType];
  if (!isBuiltInAgentType(agentType) && agentConfig?.module === undefined) {
    const known = Object.keys(builtInAgents).join(', ');
    process.stderr.write(
      `worker: unknown agent type '${agentType}': built-in types are ${known}; others need agents.${agentType}.module\n`,
    );
    process.exit(2);
  }
  const logger = createLogger({
    service: 'worker',
    level: config.log.level,
    format: config.log.format,
    defaultMeta: { agentType, pid: process.pid },
  });
  const redis = createRedisConnection({
    url: config.redis.url,
    role: 'worker',
    name: `tta-worker-${agentType}`,
    tlsRejectUnauthorized: config.redis.tlsRejectUnauthorized,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    logger,
  });
  const shards = new QueueShards(config.redis.prefix, { count: config.redis.shards });
  const names = shards.control;
  const lexicon = loadSafetyLexicon(path.resolve(config.configDir, config.safety.lexiconFile));
  const ages = retentionAgesOf(config);
  const metrics = createMetricsRegistry({
    defaultLabels: { service: 'worker', agent_type: agentType },
  });
  const registry = new AgentRegistry(redis, { names, ttlMs: config.registry.ttlMs, metrics });
  const codec = PayloadCodec.fromConfig(config);
  const llm = createLlmGateway({
    llm: config.llm,
    costs: config.costs,
    ledger: new CostLedger(redis, { names, retentionMs: ages.costs }),
    memo: new LlmCallMemo({ redis, names, codec, ttlMs: config.llm.memoTtlMs }),
    metrics,
    logger,
  });
  const definition = await loadAgent(
    agentType,
    { redis, names, lexicon, metrics, sessionTtlMs: ages.world, codec },
    { module: agentConfig?.module, baseDir: config.configDir },
  );
  const policies = new PolicyManager({
    connection: redis,
    names,
    dir: path.resolve(config.configDir, config.policy.dir),
    logger,
    catalog: new CapabilityCatalog(config.capabilities),
    checkIntervalMs: config.policy.checkIntervalMs,
  });
  await policies.start();
  if (!codec.encrypts) logger.warn(UNENCRYPTED_WARNING);
  const runtime = new AgentRuntime(definition, {
    connection: redis,
    names,
    shards,
    registry,
    logger,
    metrics,
    llm,
    concurrency: agentConfig?.concurrency,
    tuning: agentConfig?.tuning,
    labels: agentConfig?.labels,
    heartbeatIntervalMs: config.registry.heartbeatIntervalMs,
    lockDurationMs: config.worker.lockDurationMs,
    lockRenewMs: config.worker.lockRenewMs,
    stalledIntervalMs: config.worker.stalledIntervalMs,
    maxStalledCount: config.worker.maxStalledCount,
    shutdownGraceMs: config.worker.shutdownGraceMs,
    policies,
    llmPolicy: (type) => policies.llmPolicy(type),
    codec,
  });
  let diagnostics: DiagnosticsServer | undefined;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (closing ??= closeAll(
      [
        ['agent runtime', () => runtime.stop()],
        ['tool policy', () => policies.close()],
        ['diagnostics', () => diagnostics?.close()],
        ['redis', () => closeRedis(redis)],
      ],
      logger,
    ).then((errors) => {
      if (errors[0]) throw errors[0];
    }));
  handleShutdownSignals({ logger, forceAfterMs: config.worker.shutdownGraceMs + 5000, shutdown });
  // A drain command stops the runtime; the process then exits 0 and the supervisor's local
  // executor starts a fresh worker in its place (a recycle).
  runtime.once('drain-requested', () => {
    shutdown().then(
      () => {
        logger.info('worker drained: exiting');
        process.exit(0);
      },
      () => process.exit(1),
    );
  });
  await runtime.start();
  // A signal during start: the shutdown is under way, nothing more to start.
  if (closing !== undefined) return;
  if (config.worker.diagnosticsPort >= 0) {
    diagnostics = await startDiagnosticsServer({
      port: config.worker.diagnosticsPort,
      host: config.diagnostics.host,
      ...(config.diagnostics.token && { token: config.diagnostics.token }),
      metrics,
      health: () => ({
        ok: runtime.state === 'running',
        state: runtime.state,
        agentId: runtime.id,
      }),
    });
  }
  logger.info('worker ready', { agentId: runtime.id, diagnosticsPort: diagnostics?.port });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
