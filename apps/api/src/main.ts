import {
  closeAll,
  ConfigError,
  createLogger,
  createRedisConnection,
  handleShutdownSignals,
  loadConfig,
  toError,
} from '@tta/core';
import type { Redis } from 'ioredis';
import { createApp } from './app';
import { buildApiServices } from './build-api';
import { boundPort, closeServer, listen } from './http-server';

async function main(): Promise<void> {
  const config = loadConfig();
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
  const services = buildApiServices({ config, redis });
  const app = createApp({ ...services, redis, logger, bodyLimitBytes: config.api.bodyLimitBytes });
  const server = await listen(app, config.api);
  logger.info('api listening', { host: config.api.host, port: boundPort(server) });
  handleShutdownSignals({
    logger,
    shutdown: async () => {
      await closeAll(
        [
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

// QUIT needs a live connection; one that never came up is just dropped.
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}

main().catch((err: unknown) => {
  const error = toError(err);
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : (error.stack ?? error.message)}\n`,
  );
  process.exit(1);
});
