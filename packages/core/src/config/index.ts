/**
 * Configuration: its schema, loaded and checked once at start, and redacted for display.
 */
export type { AgentTypeConfig, CapabilityConfig } from './catalog-schema';
export type { CrisisResource } from './crisis-resources';
export {
  DEFAULT_ENCRYPTED_INPUT_FIELDS,
  DEFAULT_ENCRYPTED_OUTPUT_FIELDS,
} from './encryption-config-schema';
export type { LlmModelConfig } from './llm-config-schema';
export {
  type AppConfig,
  loadConfig,
  type LoadConfigOptions,
  loadConfigOrExit,
} from './load-config';
export { redactConfig, redactUrl } from './redact-config';
export { type TrustProxySetting, trustProxySetting } from './trust-proxy';
