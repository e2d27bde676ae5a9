import {
  ConfigError,
  closeAll,
  closeRedis,
  createLogger,
  createRedisConnection,
  handleShutdownSignals,
  loadConfigOrExit,
  toError,
  waitForReady,
} from '@tta/core';
import { createApp } from './app';
import { buildApiServices } from './build-api';
import { buildApiAuthOrExit } from './access/build-auth';
import { boundPort, closeServer, listen } from './http/http-server';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({
    service: 'api',
    level: config.log.level,
    format: config.log.format,
  });
  const redis = createRedisConnection({
    url: config.redis.url,
    role: 'producer',
    tlsRejectUnauthorized: config.redis.tlsRejectUnauthorized,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    name: 'tta-api',
    logger,
  });
  const auth = buildApiAuthOrExit({ config, redis, logger });
  const services = buildApiServices({ config, redis, logger });
  const app = createApp({
    ...services,
    redis,
    logger,
    auth,
    bodyLimitBytes: config.api.bodyLimitBytes,
    sseHeartbeatMs: config.api.sseHeartbeatMs,
    agentHistoryMinutes: config.admin.agentHistoryMinutes,
  });
  // Give Redis a moment so the first requests are not refused; without it, answer 503s.
  if (!(await waitForReady(redis, config.redis.connectTimeoutMs))) {
    logger.warn('Redis not reachable yet: answering 503 until it is');
  }
  // After that moment: with Redis up, the policy stored there, not this process's files.
  await services.policies.start();
  await services.memory.start();
  const server = await listen(app, { ...config.api, logger });
  logger.info('api listening', { host: config.api.host, port: boundPort(server) });
  handleShutdownSignals({
    logger,
    shutdown: async () => {
      await closeAll(
        [
          // Open event streams would keep the server from closing: they end first.
          ['event streams', () => services.events.close()],
          ['http server', () => closeServer(server)],
          ['services', () => services.close()],
          ['redis', () => closeRedis(redis)],
        ],
        logger,
      );
      logger.info('api stopped');
    },
  });
}

main().catch((err: unknown) => {
  // A setting checked only while building (the encryption keys): one line, as loadConfig's.
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const error = toError(err);
  process.stderr.write(`api failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
