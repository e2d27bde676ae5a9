import type { LabelSet } from '../labels/label-set';
import { labelSubsets, poolName } from '../labels/pool-name';
import type { QueueNames } from './queue-names';

/**
 * The queues an agent consumes: for each of its capabilities, the generic queue
 * (`cap.<capability>`) and one pool queue per non-empty subset of its labels
 * (`cap.<capability>.<pool>`), so that a task requiring any of those subsets can reach it.
 * An agent labelled `{ tier: 'fast', locale: 'en' }` serving `narrative.generate` consumes
 * `cap.narrative.generate`, `….locale-en`, `….tier-fast` and `….locale-en.tier-fast`.
 */
export function agentQueues(
  names: QueueNames,
  capabilities: readonly string[],
  labels: LabelSet,
): string[] {
  const pools = labelSubsets(labels).map(poolName);
  return capabilities.flatMap((capability) => [
    names.capability(capability),
    ...pools.map((pool) => names.capability(capability, pool)),
  ]);
}
