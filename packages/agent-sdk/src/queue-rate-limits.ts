import { agentQueues, type PolicyProvider, type QueueNames } from '@tta/core';
import type { RateLimiterOptions } from 'bullmq';

/** Options of {@link QueueRateLimits}. */
export interface QueueRateLimitsOptions {
  /** The agent type whose policy applies. */
  agentType: string;
  /** Its capabilities. */
  capabilities: readonly string[];
  /** Its labels (pool queues). */
  labels: Record<string, string>;
  /** Queue names of the deployment. */
  names: QueueNames;
  /** The tool policy; none: no queue is rate-limited. */
  policies?: Pick<PolicyProvider, 'forAgent'>;
}

/**
 * The BullMQ `limiter` of each queue an agent consumes, from the `rateLimits` of its policy:
 * a capability's limit applies to its generic queue and to each of its pool queues (BullMQ
 * counts per queue, across every worker of it).
 */
export class QueueRateLimits {
  private readonly capabilityOf = new Map<string, string>();

  constructor(private readonly options: QueueRateLimitsOptions) {
    for (const capability of options.capabilities) {
      for (const queue of agentQueues(options.names, [capability], options.labels)) {
        this.capabilityOf.set(queue, capability);
      }
    }
  }

  /** The limiter a worker of `queue` should have now, or `undefined` for none. */
  limiterOf(queue: string): RateLimiterOptions | undefined {
    const capability = this.capabilityOf.get(queue);
    if (capability === undefined || !this.options.policies) return undefined;
    const { rateLimits } = this.options.policies.forAgent(this.options.agentType).policy;
    const limit = Object.hasOwn(rateLimits, capability) ? rateLimits[capability] : undefined;
    return limit && { max: limit.max, duration: limit.durationMs };
  }

  /** Whether a worker of `queue` whose limiter is `current` runs under another limit than the policy's. */
  changed(queue: string, current: RateLimiterOptions | undefined): boolean {
    const wanted = this.limiterOf(queue);
    return wanted?.max !== current?.max || wanted?.duration !== current?.duration;
  }
}
