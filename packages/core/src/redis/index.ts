/**
 * Redis: the connection factory, Redis URLs, a local redis-server, reads shared by their callers,
 * and the leader lock.
 */
export { LeaderLock } from './leader-lock';
export {
  findRedisServer,
  freePort,
  type LocalRedis,
  type LocalRedisOptions,
  pingRedis,
  startLocalRedis,
} from './local-redis';
export {
  closeRedis,
  createRedisConnection,
  duplicateRedis,
  type RedisClient,
  type RedisConnectionOptions,
  waitForReady,
} from './redis-connection';
export { SharedRead } from './shared-read';
