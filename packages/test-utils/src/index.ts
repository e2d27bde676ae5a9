export * from './test-redis';
export * from './wait-for';
