export * from './task-tools';
export * from './tool-caller';
export * from './tool-definition';
export * from './tool-metrics';
export * from './tool-registry';
export * from './tool-slots';
