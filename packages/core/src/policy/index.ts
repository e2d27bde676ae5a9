export * from './parse-policies';
export * from './policy-manager';
export * from './policy-provider';
export * from './policy-schema';
export * from './policy-store';
export * from './policy-watcher';
export * from './read-policy-dir';
export * from './tool-needs';
