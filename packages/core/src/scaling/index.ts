/**
 * Scaling: the autoscaler, its policy, signals and state, and the executors that start and stop
 * workers (local processes, Docker Compose, an external orchestrator).
 */
export { autoscaledAgentTypes } from './autoscaled-agent-types';
export { type AutoscaledAgentType, Autoscaler, type AutoscalerOptions } from './autoscaler';
export { ComposeExecutor, type ComposeExecutorOptions } from './compose-executor';
export { ExternalExecutor } from './external-executor';
export {
  LocalExecutor,
  type LocalExecutorEvents,
  type LocalExecutorOptions,
} from './local-executor';
export type { ScalingExecutor } from './scaling-executor';
export {
  type AgentTypeScaling,
  type ScalingDecisionRecord,
  type ScalingReport,
  ScalingStore,
  type ScalingStoreOptions,
} from './scaling-store';
