/**
 * Runs the replicas the autoscaler decides on: local child processes, an orchestrator that
 * reads the published desired count (KEDA), or docker compose.
 */
export interface ScalingExecutor {
  /** Makes `replicas` workers of `agentType` run (or asks for it). */
  setReplicas(agentType: string, replicas: number): Promise<void>;
  /** Workers per agent type running now, as far as this executor knows. */
  actual(): Record<string, number>;
}
