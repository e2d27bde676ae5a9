export * from './tta-client';
export * from './sse-parser';
