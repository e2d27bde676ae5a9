/**
 * Routing: the queue a task goes to, chosen by the live capacity of agents.
 */
export {
  type ParsedQueue,
  type QueueCapacity,
  type Route,
  type RoutePreview,
  type RouteRequest,
  TaskRouter,
  type TaskRouterOptions,
} from './task-router';
