/**
 * Queues: queue and key names, shards, task ids, the queues an agent consumes, and queue depths.
 */
export { agentQueues } from './agent-queues';
export { QueueHandles } from './queue-handles';
export { QueueDepths, type QueueDepthsOptions, type QueueJobCounts } from './queue-depths';
export { QueueNames, type QueueNamesOptions } from './queue-names';
export { QueueShards, type QueueShardsOptions } from './queue-shards';
export { stepTaskId } from './step-task-id';
export { type ParsedTaskId, TaskId } from './task-id';
