export * from './tta-client';
export * from './task-types';
export * from './workflow-types';
export * from './agent-types';
export * from './policy-types';
export * from './stream-events';
export * from './sse-parser';
