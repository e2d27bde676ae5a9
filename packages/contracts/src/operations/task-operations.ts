import type { ApiOperation } from '../operation';
import {
  cancelledSchema,
  cancelQuerySchema,
  deadLetterPageSchema,
  deadLetterQuerySchema,
  enqueuedTaskSchema,
  enqueuedTasksSchema,
  taskBatchRequestSchema,
  taskRequestSchema,
  taskViewSchema,
} from '../schemas/tasks';

const TASK_ID =
  'the task id, `<queue>~<uuid>` (`<queue>~<shard>~<uuid>` past shard 0) as `POST /v1/tasks` answered it';

const enqueuedTask = { name: 'EnqueuedTask', schema: enqueuedTaskSchema };

/** The task and dead-letter routes. */
export const TASK_OPERATIONS = [
  {
    method: 'POST',
    path: '/v1/tasks',
    scope: 'tasks:write',
    operationId: 'enqueueTask',
    tag: 'tasks',
    summary: 'Enqueue one task',
    description:
      'Validates the request and the input against the capability (built-in input schemas are the `CapabilityInput.<capability>` components), routes it to a queue and answers once the job is stored in Redis. The same idempotency key with the same body gives back the same task. Refused with 429 `queue_full` or `owner_backlog_full` when its queue or its owner has too many tasks waiting, and with 503 `capacity` while Redis is short of memory, each with `Retry-After`.',
    headers: {
      'Idempotency-Key': "stands for the body's `idempotencyKey`; both, differing, is a 400",
    },
    body: { name: 'TaskRequest', schema: taskRequestSchema },
    response: { status: 202, description: 'the task is queued', body: enqueuedTask },
    errors: [409, 422],
  },
  {
    method: 'POST',
    path: '/v1/tasks/batch',
    scope: 'tasks:write',
    operationId: 'enqueueTasks',
    tag: 'tasks',
    summary: 'Enqueue many tasks in one round trip',
    description:
      "Each item of `tasks` is a `TaskRequest`; all are validated before any is enqueued (at most config `api.maxBatchSize`). Each task counts against the key's rate limit: a batch larger than what is left of the window is refused whole (429 `rate_limited`), as is one that would pass a limit of waiting tasks (429 `queue_full`, `owner_backlog_full`) or arrives while Redis is short of memory (503 `capacity`).",
    body: { name: 'TaskBatchRequest', schema: taskBatchRequestSchema },
    response: {
      status: 202,
      description: 'every task is queued, in the order given',
      body: { name: 'EnqueuedTasks', schema: enqueuedTasksSchema },
    },
    errors: [409, 422],
  },
  {
    method: 'GET',
    path: '/v1/tasks/:id',
    scope: 'tasks:read',
    operationId: 'getTask',
    tag: 'tasks',
    summary: 'Read a task: status, result or error, attempts, agent, progress, timings',
    pathParams: { id: TASK_ID },
    response: {
      status: 200,
      description: 'the task',
      body: { name: 'Task', schema: taskViewSchema },
    },
  },
  {
    method: 'DELETE',
    path: '/v1/tasks/:id',
    scope: 'tasks:write',
    operationId: 'cancelTask',
    tag: 'tasks',
    summary: 'Cancel a task: removed if pending, aborted if running',
    pathParams: { id: TASK_ID },
    query: cancelQuerySchema,
    response: {
      status: 202,
      description: 'cancelled (the same answer on a repeat)',
      body: { name: 'Cancelled', schema: cancelledSchema },
    },
    errors: [409],
  },
  {
    method: 'GET',
    path: '/v1/tasks/:id/events',
    scope: 'tasks:read',
    operationId: 'streamTaskEvents',
    tag: 'tasks',
    summary: 'Follow a task as server-sent events',
    description:
      'Events: `snapshot` (the task), `active` (`{ id }`), `progress` (`{ id, progress }`), then one final `completed`, `failed` or `cancelled` (the task) or `removed` (`{ id }`). Each has an increasing `id:` and one `data:` line of JSON; `: heartbeat` comments keep it open. The stream ends after the final event.',
    pathParams: { id: TASK_ID },
    response: { status: 200, description: 'the event stream', contentType: 'text/event-stream' },
  },
  {
    method: 'GET',
    path: '/v1/dead-letter',
    scope: 'tasks:read',
    operationId: 'listDeadLetters',
    tag: 'dead-letter',
    summary: 'List dead-lettered tasks, newest first',
    query: deadLetterQuerySchema,
    response: {
      status: 200,
      description: 'one page, with the total',
      body: { name: 'DeadLetterPage', schema: deadLetterPageSchema },
    },
  },
  {
    method: 'POST',
    path: '/v1/dead-letter/:id/retry',
    scope: 'tasks:write',
    operationId: 'retryDeadLetter',
    tag: 'dead-letter',
    summary: 'Put a dead-lettered task back in its queue, same id, fresh attempts',
    pathParams: { id: TASK_ID },
    response: { status: 202, description: 'the task is queued again', body: enqueuedTask },
    errors: [409],
  },
  {
    method: 'DELETE',
    path: '/v1/dead-letter/:id',
    scope: 'tasks:write',
    operationId: 'deleteDeadLetter',
    tag: 'dead-letter',
    summary: 'Delete a dead-letter entry',
    pathParams: { id: TASK_ID },
    response: { status: 204, description: 'deleted' },
  },
] as const satisfies readonly ApiOperation[];
