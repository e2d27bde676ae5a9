export * from './tta-client';
