export * from './define-agent';
