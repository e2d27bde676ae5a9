export * from './test-redis';
export * from './wait-for';
export * from './spawn-process';
