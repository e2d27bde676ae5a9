import type { OperationHandlers } from './operation-handlers';
import {
  readDiagnosticsReport,
  type AgentRegistry,
  type AppConfig,
  type QueueDepths,
  type QueueNames,
  type RedisClient,
} from '@tta/core';
import { withRedis } from '../http/with-redis';

/** Options of {@link diagnosticsHandlers}. */
export interface DiagnosticsRoutesOptions {
  /** The live-agent registry. */
  registry: AgentRegistry;
  /** Reads the job counts of every queue. */
  queueDepths: QueueDepths;
  /** The producer connection. */
  redis: RedisClient;
  /** Key names of the deployment. */
  names: QueueNames;
  /** The API's configuration, shown with its secrets replaced. */
  config: AppConfig;
}

/**
 * `GET /v1/diagnostics`: `{ registry: { agents, events }, queues, supervisor: { leader },
 * config }`: live agents, the last 50 registry events, job counts by state of every queue, the
 * leading supervisor's id (`null` for none) and the redacted configuration.
 */
export function diagnosticsHandlers(
  options: DiagnosticsRoutesOptions,
): OperationHandlers<'getDiagnostics'> {
  return {
    getDiagnostics: async (_req, res) => {
      const report = await withRedis(options.redis, () =>
        readDiagnosticsReport({
          agents: options.registry,
          depths: options.queueDepths,
          redis: options.redis,
          names: options.names,
          config: options.config,
        }),
      );
      res.json(report);
    },
  };
}
