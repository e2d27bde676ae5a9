/**
 * Routing: the queue a task goes to, chosen by the live capacity of agents, among the pools that
 * config and live agents declare; and the pruning of pools nobody uses.
 */
export {
  PoolPruner,
  type PoolPrunerOptions,
  resolvePoolPrunerOptions,
  type ResolvedPoolPrunerOptions,
} from './pool-pruner';
export { knownQueuesKey } from './routing-snapshot';
export {
  type ParsedQueue,
  type QueueCapacity,
  type Route,
  type RoutePreview,
  type RouteRequest,
  TaskRouter,
  type TaskRouterOptions,
} from './task-router';
