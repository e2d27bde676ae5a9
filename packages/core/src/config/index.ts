export * from './catalog-schema';
export { createConfigSchema } from './config-schema';
export * from './crisis-resources';
export * from './llm-config-schema';
export * from './load-config';
export * from './redact-config';
