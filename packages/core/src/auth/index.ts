export * from './api-key-config';
export * from './api-keys';
export * from './api-scope';
export * from './resolve-auth';
export * from './session-tokens';
