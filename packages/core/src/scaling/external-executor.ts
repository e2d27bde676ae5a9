import type { ScalingExecutor } from './scaling-executor';

/**
 * For workers an orchestrator runs (Kubernetes with KEDA): starts nothing, only remembers
 * the replicas asked for, which the autoscaler publishes as `tta_autoscaler_desired_replicas`
 * and in Redis; the orchestrator scales on that metric. `actual()` answers the last request.
 */
export class ExternalExecutor implements ScalingExecutor {
  private readonly requested = new Map<string, number>();

  /** Records `replicas` as the desired count of `agentType`. */
  setReplicas(agentType: string, replicas: number): Promise<void> {
    this.requested.set(agentType, replicas);
    return Promise.resolve();
  }

  /** The last requested count per agent type. */
  actual(): Record<string, number> {
    return Object.fromEntries(this.requested);
  }
}
