/**
 * Configuration: its schema, loaded and checked once at start, and redacted for display.
 */
export type { AgentTypeConfig, CapabilityConfig } from './catalog-schema';
export type { CrisisResource } from './crisis-resources';
export type { LlmModelConfig } from './llm-config-schema';
export {
  type AppConfig,
  loadConfig,
  type LoadConfigOptions,
  loadConfigOrExit,
} from './load-config';
export { redactConfig, redactUrl } from './redact-config';
export { type TrustProxySetting, trustProxySetting } from './trust-proxy';
