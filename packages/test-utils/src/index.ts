export * from './test-redis';
export * from './wait-for';
export * from './spawn-process';
export * from './prometheus-text';
export * from './metrics-table';
export * from './chat-completions-server';
