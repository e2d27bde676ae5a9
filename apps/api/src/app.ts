import {
  NotFoundError,
  type AgentControl,
  type AgentRegistry,
  type AppConfig,
  type CapabilityCatalog,
  type CostLedger,
  type DeadLetterQueue,
  type JobEventStream,
  type Logger,
  type PolicyManager,
  type QueueNames,
  type SafetyEventFeed,
  type SafetyEventStore,
  type SafetyMetrics,
  type TaskCanceller,
  type TaskRouter,
  type TaskService,
  type WorkflowCanceller,
  type WorkflowDefinition,
  type WorkflowRuns,
  type RedisClient,
} from '@tta/core';
import express from 'express';
import { accessControl } from './access-control';
import type { BoardQueues } from './admin/board-queues';
import { adminRoutes } from './admin-routes';
import type { ApiMetrics } from './api-metrics';
import type { ApiAuth } from './build-auth';
import { errorHandler } from './error-handler';
import { jsonBody } from './json-body';
import { recordHttpMetrics } from './record-http-metrics';
import { requestId } from './request-id';
import { requestLogger } from './request-logger';
import { adminLoginRoutes } from './routes/admin-login';
import { agentDrainRoutes } from './routes/agent-drain';
import { agentRoutes } from './routes/agents';
import { capabilityRoutes } from './routes/capabilities';
import { costRoutes } from './routes/costs';
import { deadLetterRoutes } from './routes/dead-letter';
import { diagnosticsRoutes } from './routes/diagnostics';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { openApiRoutes } from './routes/openapi';
import { policyRoutes } from './routes/policy';
import { routingRoutes } from './routes/routing';
import { isAdminPath } from './route-scopes';
import { safetyEventRoutes } from './routes/safety-events';
import { scalingRoutes } from './routes/scaling';
import { taskCancellationRoutes } from './routes/task-cancellation';
import { taskEventRoutes } from './routes/task-events';
import { taskRoutes } from './routes/tasks';
import { workflowRunEventRoutes } from './routes/workflow-run-events';
import { workflowRoutes } from './routes/workflows';

/** What the HTTP app is built from. */
export interface ApiAppDeps {
  /** Validates, enqueues and reads tasks. */
  tasks: TaskService;
  /** Cancels tasks (`DELETE /v1/tasks/:id`). */
  canceller: TaskCanceller;
  /** The live-agent registry. */
  registry: AgentRegistry;
  /** The capability catalog. */
  catalog: CapabilityCatalog;
  /** Maps capabilities to queues. */
  router: TaskRouter;
  /** Lists, retries and removes dead-lettered tasks. */
  deadLetters: DeadLetterQueue;
  /** The events of single jobs, behind the event streams (`GET .../events`). */
  events: JobEventStream;
  /** Queue and key names of the deployment. */
  names: QueueNames;
  /** The loaded workflow definitions, by name (`GET /v1/workflows`). */
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  /** Starts and reads workflow runs. */
  workflowRuns: WorkflowRuns;
  /** Cancels workflow runs and their running steps (`DELETE /v1/workflow-runs/:id`). */
  workflowCanceller: WorkflowCanceller;
  /** Tokens and cost of LLM calls (`GET /v1/costs`). */
  costs: CostLedger;
  /** Safety events and their review (`/v1/safety/...`, the Safety page). */
  safetyEvents: SafetyEventStore;
  /** The live feed of safety events (`GET /v1/safety/events/stream`). */
  safetyFeed: SafetyEventFeed;
  /** The safety metrics (time to acknowledge). */
  safetyMetrics: SafetyMetrics;
  /** The producer connection (fails fast while Redis is down); readiness pings it. */
  redis: RedisClient;
  /** Request lines (debug) and internal errors (error). */
  logger: Logger;
  /** API keys, scopes, admin sessions and the rate limiter (see `buildApiAuth`). */
  auth: ApiAuth;
  /** Gives drain commands to live agents (`POST /v1/agents/:id/drain`, the agents page). */
  agentControl: AgentControl;
  /** The queues Bull Board shows (`/admin/queues`). */
  boardQueues: BoardQueues;
  /** How far back the agents page lists agents that left or died, in minutes. Default: 10. */
  agentHistoryMinutes?: number;
  /** The API's metrics (`GET /metrics`, request durations, queue depths). */
  apiMetrics: ApiMetrics;
  /** The configuration, shown redacted by `GET /v1/diagnostics`. */
  config: AppConfig;
  /** The tool policy (`/v1/policy`, started). */
  policies: PolicyManager;
  /** Largest request body accepted. Default: 1,048,576 bytes. */
  bodyLimitBytes?: number;
  /** How long Redis may take to answer the readiness PING. Default: 500 ms. */
  readinessTimeoutMs?: number;
  /** Interval of the heartbeat comment on open event streams. Default: 15,000 ms. */
  sseHeartbeatMs?: number;
}

/**
 * Builds the express app of the producer API: request metrics and logging, authentication, scope checks
 * and rate limiting (before any route), health routes, the admin login and the admin
 * dashboards (Bull Board, the agents page; no JSON body parsing), JSON body parsing, the v1 routes, a JSON 404 for unknown routes and the error
 * middleware. It opens nothing: the caller owns the server and the connections.
 */
export function createApp(deps: ApiAppDeps): express.Application {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestId());
  app.use(recordHttpMetrics({ metrics: deps.apiMetrics.http }));
  app.use(requestLogger({ logger: deps.logger }));
  app.use(accessControl(deps.auth));
  app.use(healthRoutes(deps));
  app.use(metricsRoutes({ metrics: deps.apiMetrics.metrics }));
  app.use(openApiRoutes());
  app.use(adminOnly(adminLoginRoutes({ auth: deps.auth })));
  app.use(adminOnly(adminRoutes(deps)));
  app.use(jsonBody({ limitBytes: deps.bodyLimitBytes ?? 1_048_576 }));
  registerV1Routes(app, deps);
  app.use((req) => {
    throw new NotFoundError('route', `${req.method} ${req.path}`);
  });
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}

/**
 * Runs `router` (an admin router) for admin paths only: every other request skips its routes
 * with one string test instead of express matching each of them. The guard shows the router's
 * stack as its own, so whatever lists the app's routes (the route table tests) still sees them.
 */
function adminOnly(router: express.Router): express.RequestHandler {
  const guard: express.RequestHandler = (req, res, next) => {
    if (isAdminPath(req.path)) router(req, res, next);
    else next();
  };
  return Object.assign(guard, { stack: router.stack });
}

/** Mounts every v1 route module on `app`. */
function registerV1Routes(app: express.Application, deps: ApiAppDeps): void {
  app.use(taskRoutes(deps));
  app.use(taskCancellationRoutes(deps));
  app.use(taskEventRoutes(deps));
  app.use(workflowRoutes(deps));
  app.use(workflowRunEventRoutes(deps));
  app.use(agentRoutes(deps));
  app.use(agentDrainRoutes(deps));
  app.use(capabilityRoutes(deps));
  app.use(routingRoutes(deps));
  app.use(deadLetterRoutes(deps));
  app.use(policyRoutes(deps));
  app.use(costRoutes(deps));
  app.use(scalingRoutes(deps));
  app.use(safetyEventRoutes(deps));
  app.use(diagnosticsRoutes({ ...deps, queueDepths: deps.apiMetrics.queueDepths }));
}
