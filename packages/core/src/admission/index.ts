/**
 * Admission control: what new work the API takes while queues, owners or Redis's memory are
 * full, and the watchers and counts behind it.
 */
export {
  AdmissionControl,
  type AdmissionControlOptions,
  type AdmittedTask,
} from './admission-control';
export { BacklogReconciler, type BacklogReconcilerOptions } from './backlog-reconciler';
export { BacklogCounts, type BacklogCountsOptions } from './backlog-counts';
export {
  type BacklogReconciliation,
  OwnerBacklog,
  type OwnerBacklogOptions,
} from './owner-backlog';
export {
  parseRedisMemoryInfo,
  RedisMemory,
  type RedisMemoryOptions,
  type RedisMemoryReading,
} from './redis-memory';
