export * from './api-key-config';
export * from './api-keys';
export * from './resolve-auth';
export * from './session-tokens';
