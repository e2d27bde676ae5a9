import type { AgentInfo, AgentRegistry, RegistryEvent } from '../registry/agent-registry';
import type { AppConfig } from '../config/load-config';
import { redactConfig } from '../config/redact-config';
import type { QueueDepths, QueueJobCounts } from '../queues/queue-depths';
import type { QueueNames } from '../queues/queue-names';
import { readSupervisorLeader } from '../supervision/supervisor-leader';
import type { RedisClient } from '../redis/redis-connection';

/** What an operator sees of the whole system at once (`GET /v1/diagnostics`). */
export interface DiagnosticsReport {
  /** Live agents and the newest registry events (joined, left, dead), newest last. */
  registry: { agents: AgentInfo[]; events: RegistryEvent[] };
  /** Job counts by state of every queue, by queue name. */
  queues: Record<string, QueueJobCounts>;
  /** The id of the leading supervisor, `null` while none leads. */
  supervisor: { leader: string | null };
  /** The configuration of this process, its secrets replaced (see {@link redactConfig}). */
  config: unknown;
}

/** Options of {@link readDiagnosticsReport}. */
export interface DiagnosticsReportOptions {
  /** The live-agent registry. */
  agents: AgentRegistry;
  /** Reads the queue depths. */
  depths: QueueDepths;
  /** The connection the supervisor's leader lock is read on. */
  redis: RedisClient;
  /** Key names of the deployment. */
  names: QueueNames;
  /** The configuration shown, redacted. */
  config: AppConfig;
  /** Most registry events shown. Default: 50. */
  eventCount?: number;
}

/** Reads the live agents, registry events, queue depths and leader in parallel. */
export async function readDiagnosticsReport(
  options: DiagnosticsReportOptions,
): Promise<DiagnosticsReport> {
  const [agents, events, queues, leader] = await Promise.all([
    options.agents.list(),
    options.agents.events(options.eventCount ?? 50),
    options.depths.read(),
    readSupervisorLeader(options.redis, options.names),
  ]);
  return {
    registry: { agents, events },
    queues,
    supervisor: { leader },
    config: redactConfig(options.config),
  };
}
