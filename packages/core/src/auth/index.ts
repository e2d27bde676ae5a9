/**
 * Callers: API keys, their scopes and rate limits, and resolving who a request comes from.
 */
export { type ApiKeyConfig, type ApiKeyRateLimit, apiKeysConfigSchema } from './api-key-config';
export { type ApiKeyEntry, type ApiKeyIdentity, ApiKeys, hashApiKey } from './api-keys';
export { FailedAuthLimiter, type FailedAuthLimiterOptions } from './failed-auth-limiter';
export {
  DEVELOPMENT_API_KEY,
  DEVELOPMENT_KEY_ID,
  resolveAuth,
  type ResolveAuthOptions,
  type ResolvedAuth,
} from './resolve-auth';
export { type OwnerScope, withinScope } from './owner-scope';
