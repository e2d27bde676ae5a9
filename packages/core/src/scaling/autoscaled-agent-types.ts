import type { AutoscaledAgentType } from './autoscaler';
import type { AgentTypeConfig } from '../config/catalog-schema';
import { ConfigError } from '../errors/config-error';

/**
 * The bounds of every enabled agent type: `minReplicas` and `maxReplicas`, each defaulting
 * to `replicas`. Throws a {@link ConfigError} naming the key when min is above max.
 */
export function autoscaledAgentTypes(
  agents: Readonly<Record<string, Readonly<AgentTypeConfig>>>,
): Record<string, AutoscaledAgentType> {
  const out: Record<string, AutoscaledAgentType> = {};
  for (const [type, a] of Object.entries(agents)) {
    if (!a.enabled) continue;
    const minReplicas = a.minReplicas ?? a.replicas;
    const maxReplicas = a.maxReplicas ?? Math.max(a.replicas, minReplicas);
    if (minReplicas > maxReplicas) {
      throw new ConfigError(
        `agents.${type}.minReplicas: ${minReplicas} is above maxReplicas ${maxReplicas}`,
      );
    }
    out[type] = { minReplicas, maxReplicas, concurrency: a.concurrency };
  }
  return out;
}
