import {
  NotFoundError,
  trustProxySetting,
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
  type SessionEraser,
  type TaskCanceller,
  type TaskRouter,
  type TaskService,
  type WorkflowCanceller,
  type WorkflowDefinition,
  type WorkflowRuns,
  type RedisClient,
  type RedisMemory,
} from '@tta/core';
import type { Operation } from '@tta/contracts';
import express from 'express';
import { accessControl } from './access/access-control';
import type { BoardQueues } from './admin/board-queues';
import { adminRoutes } from './admin/admin-routes';
import type { ApiMetrics } from './api-metrics';
import type { ApiAuth } from './access/build-auth';
import { allowedHostsGuard } from './http/allowed-hosts';
import { errorHandler } from './http/error-handler';
import { EventStreamSlots, eventStreamAdmission } from './http/event-stream-slots';
import { jsonBody } from './http/json-body';
import { recordHttpMetrics } from './http/record-http-metrics';
import { requestId } from './http/request-id';
import { requestLogger } from './http/request-logger';
import { adminLoginRoutes } from './admin/admin-login-routes';
import { adminSessionHandlers } from './routes/admin-sessions';
import { agentDrainHandlers } from './routes/agent-drain';
import { agentHandlers } from './routes/agents';
import { capabilityHandlers } from './routes/capabilities';
import { costHandlers } from './routes/costs';
import { deadLetterHandlers } from './routes/dead-letter';
import { diagnosticsHandlers } from './routes/diagnostics';
import { healthHandlers } from './routes/health';
import { metricsHandlers } from './routes/metrics';
import { openApiHandlers } from './routes/openapi';
import { mountOperations, type ApiHandlers } from './routes/operation-handlers';
import { policyHandlers } from './routes/policy';
import { routingHandlers } from './routes/routing';
import { isAdminPath, isEventStreamRoute } from './access/route-access';
import { safetyEventHandlers } from './routes/safety-events';
import { scalingHandlers } from './routes/scaling';
import { sessionHandlers } from './routes/sessions';
import { taskCancellationHandlers } from './routes/task-cancellation';
import { taskEventHandlers } from './routes/task-events';
import { taskHandlers } from './routes/tasks';
import { workflowRunEventHandlers } from './routes/workflow-run-events';
import { workflowHandlers } from './routes/workflows';

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
  /** Erases player sessions (`DELETE /v1/sessions/:id`). */
  sessionEraser: SessionEraser;
  /** Redis's memory: `/readyz` answers 503 `capacity` above its high watermark. Default: not looked at. */
  memory?: RedisMemory;
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
 * Builds the express app of the producer API: the proxies it trusts (config `api.trustProxy`),
 * request metrics and logging, the `Host` check (config `api.allowedHosts`), authentication,
 * scope checks, rate limiting and the limits of open event streams (before any route), health routes, the admin login and the admin
 * dashboards (Bull Board, the agents page; no JSON body parsing), JSON body parsing, the v1 routes, a JSON 404 for unknown routes and the error
 * middleware. It opens nothing: the caller owns the server and the connections.
 */
export function createApp(deps: ApiAppDeps): express.Application {
  const app = express();
  app.disable('x-powered-by');
  // Which proxies `req.ip` (and `req.secure`) may believe, from config `api.trustProxy`.
  app.set('trust proxy', trustProxySetting(deps.config.api.trustProxy));
  app.use(requestId());
  app.use(recordHttpMetrics({ metrics: deps.apiMetrics.http }));
  app.use(requestLogger({ logger: deps.logger }));
  // Before authentication: a page that reached the API by DNS rebinding gets nowhere.
  app.use(allowedHostsGuard(deps.config.api.allowedHosts));
  app.use(accessControl(deps.auth, deps.logger));
  const streams = new EventStreamSlots({
    maxStreams: deps.config.api.maxEventStreams,
    maxStreamsPerHolder: deps.config.api.maxEventStreamsPerKey,
  });
  app.use(eventStreamAdmission(streams, isEventStreamRoute));
  const handlers = apiHandlers(deps);
  // The routes without a body (health, metrics, this document) answer before body parsing.
  const system = (operation: Operation): boolean => operation.tag === 'system';
  mountOperations(app.router, handlers, { include: system });
  app.use(adminOnly(adminLoginRoutes({ auth: deps.auth })));
  app.use(adminOnly(adminRoutes({ ...deps, sessions: deps.auth.sessions })));
  app.use(jsonBody({ limitBytes: deps.bodyLimitBytes ?? 1_048_576 }));
  mountOperations(app.router, handlers, { include: (operation) => !system(operation) });
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

/** The handler of every operation of the contract, each given what it uses. */
function apiHandlers(deps: ApiAppDeps): ApiHandlers {
  return {
    ...healthHandlers(deps),
    ...metricsHandlers({ metrics: deps.apiMetrics.metrics }),
    ...openApiHandlers(),
    ...taskHandlers({ tasks: deps.tasks, limiter: deps.auth.limiter }),
    ...taskCancellationHandlers(deps),
    ...taskEventHandlers(deps),
    ...workflowHandlers(deps),
    ...workflowRunEventHandlers(deps),
    ...agentHandlers(deps),
    ...agentDrainHandlers(deps),
    ...capabilityHandlers(deps),
    ...routingHandlers(deps),
    ...deadLetterHandlers(deps),
    ...policyHandlers(deps),
    ...costHandlers(deps),
    ...scalingHandlers(deps),
    ...safetyEventHandlers(deps),
    ...sessionHandlers({ eraser: deps.sessionEraser, redis: deps.redis }),
    ...adminSessionHandlers({ sessions: deps.auth.sessions }),
    ...diagnosticsHandlers({ ...deps, queueDepths: deps.apiMetrics.queueDepths }),
  };
}
