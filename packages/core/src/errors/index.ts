/**
 * Errors: the `AppError` family, one class per file, each with a stable code, and the helpers that
 * turn anything thrown, and zod issues, into them.
 */
export { AppError, type AppErrorOptions } from './app-error';
export { AuthRateLimitedError } from './auth-rate-limited-error';
export {
  type BudgetExceededDetails,
  BudgetExceededError,
  type BudgetKind,
} from './budget-exceeded-error';
export { CapacityError } from './capacity-error';
export { ConfigError } from './config-error';
export { CrossSiteRequestError } from './cross-site-request-error';
export { ForbiddenError } from './forbidden-error';
export { HostNotAllowedError } from './host-not-allowed-error';
export { IdempotencyConflictError } from './idempotency-conflict-error';
export { IllegalStateError } from './illegal-state-error';
export { InvalidPolicyError } from './invalid-policy-error';
export { LlmRequestError, type LlmRequestErrorOptions } from './llm-request-error';
export { ModelNotAllowedError } from './model-not-allowed-error';
export { NoLiveAgentError } from './no-live-agent-error';
export { NotFoundError } from './not-found-error';
export { ProviderUnavailableError } from './provider-unavailable-error';
export { RateLimitedError } from './rate-limited-error';
export { isRedisOutOfMemory, type RedisConnectionState, redisFailure } from './redis-failure';
export { RedisUnavailableError } from './redis-unavailable-error';
export { ReviewConflictError } from './review-conflict-error';
export { SessionErasingError } from './session-erasing-error';
export { ShuttingDownError } from './shutting-down-error';
export { TaskCancelledError } from './task-cancelled-error';
export { TaskExistsError } from './task-exists-error';
export { TaskFinishedError } from './task-finished-error';
export { toError } from './to-error';
export { type StreamLimit, TooManyStreamsError } from './too-many-streams-error';
export { ToolDeniedError } from './tool-denied-error';
export { ToolTimeoutError } from './tool-timeout-error';
export { UnauthenticatedError } from './unauthenticated-error';
export { UnknownCapabilityError } from './unknown-capability-error';
export { UnknownRequirementsError } from './unknown-requirements-error';
export { UnknownWorkflowError } from './unknown-workflow-error';
export { type FieldIssue, ValidationError } from './validation-error';
export { VersionConflictError } from './version-conflict-error';
export {
  type WaitingLimitDetails,
  WaitingLimitError,
  type WaitingLimitScope,
} from './waiting-limit-error';
export { parseOrThrow, toFieldIssues } from './zod-issues';
