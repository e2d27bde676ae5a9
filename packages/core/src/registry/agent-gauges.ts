import { Gauge, type Registry } from 'prom-client';
import type { AgentInfo, AgentRegistry } from './agent-registry';
import { toError } from '../errors/to-error';
import type { Logger } from '../telemetry/logger';
import { reuseMetric } from '../telemetry/metrics';
import { SharedRead } from '../redis/shared-read';

/** Options of {@link registerAgentGauges}. */
export interface AgentGaugesOptions {
  /** The live-agent registry, read once per scrape. */
  agents: AgentRegistry;
  /** Agent types always shown, with 0 live agents and capacity while none runs. Default: none. */
  agentTypes?: readonly string[];
  /** Longest the registry read may take; the scrape then shows no agent gauges. Default: 2000 ms. */
  timeoutMs?: number;
  /** Told when a scrape could not read the registry. Default: none. */
  logger?: Logger;
}

interface TypeStats {
  live: number;
  capacity: number;
  heartbeatAgeSeconds?: number;
}

/**
 * Registers the agent gauges, read from the registry on each scrape (one read shared by the
 * three): `tta_agents_live{agent_type}` (agents with a heartbeat within the TTL, any status),
 * `tta_agent_capacity{agent_type}` (summed concurrency of those not draining) and
 * `tta_agent_heartbeat_age_seconds{agent_type}` (the oldest heartbeat among them).
 */
export function registerAgentGauges(metrics: Registry, options: AgentGaugesOptions): void {
  const reads = new SharedRead(() => statsByType(options), {
    what: 'agent registry',
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  const read = async (): Promise<Map<string, TypeStats>> => {
    try {
      return await reads.get();
    } catch (err) {
      options.logger?.warn('metrics: agent registry not read', { error: toError(err).message });
      return new Map();
    }
  };
  const gauge = (name: string, help: string, value: (stats: TypeStats) => number | undefined) =>
    agentGauge(metrics, { name, help, read, value });
  gauge('tta_agents_live', 'Live agents (heartbeat within the TTL) per agent type', (s) => s.live);
  gauge(
    'tta_agent_capacity',
    'Jobs the live, non-draining agents of a type can run at once (summed concurrency)',
    (s) => s.capacity,
  );
  gauge(
    'tta_agent_heartbeat_age_seconds',
    'Age of the oldest last heartbeat among the live agents of a type',
    (s) => s.heartbeatAgeSeconds,
  );
}

interface AgentGaugeSpec {
  name: string;
  help: string;
  read: () => Promise<Map<string, TypeStats>>;
  value: (stats: TypeStats) => number | undefined;
}

// A gauge labelled by agent type, set afresh from the shared registry read on each scrape.
function agentGauge(metrics: Registry, spec: AgentGaugeSpec): Gauge<'agent_type'> {
  return reuseMetric(
    metrics,
    spec.name,
    () =>
      new Gauge({
        name: spec.name,
        help: spec.help,
        labelNames: ['agent_type'],
        registers: [metrics],
        async collect() {
          this.reset();
          for (const [type, stats] of await spec.read()) {
            const v = spec.value(stats);
            if (v !== undefined) this.set({ agent_type: type }, v);
          }
        },
      }),
  );
}

async function statsByType(options: AgentGaugesOptions): Promise<Map<string, TypeStats>> {
  const agents: AgentInfo[] = await options.agents.list();
  const stats = new Map<string, TypeStats>(
    (options.agentTypes ?? []).map((type) => [type, { live: 0, capacity: 0 }]),
  );
  for (const agent of agents) {
    const s = stats.get(agent.type) ?? { live: 0, capacity: 0 };
    s.live += 1;
    if (agent.status !== 'draining') s.capacity += agent.concurrency;
    s.heartbeatAgeSeconds = Math.max(s.heartbeatAgeSeconds ?? 0, agent.heartbeatAgeMs / 1000);
    stats.set(agent.type, s);
  }
  return stats;
}
