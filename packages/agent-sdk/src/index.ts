export * from './agent-runtime';
export * from './agent-runtime-options';
export * from './cancel-listener';
export * from './define-agent';
export * from './task-metrics';
export * from './task-timeout-error';
export * from './task-executor';
