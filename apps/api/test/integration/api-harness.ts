import { Writable } from 'node:stream';
import {
  closeRedis,
  createLogger,
  createRedisConnection,
  loadConfig,
  type AppConfig,
  waitForReady,
} from '@tta/core';
import { createTestRedis, deletePrefix, testRedisUrl, uniquePrefix } from '@tta/test-utils';
import { Queue } from 'bullmq';
import type { Application } from 'express';
import type { Redis } from 'ioredis';
import winston from 'winston';
import { createApp } from '../../src/app';
import { buildApiServices, type ApiServices } from '../../src/build-api';

/** Options of {@link startApiHarness}. */
export interface ApiHarnessOptions {
  /** Config values over the test config (the prefix and Redis URL are set by the harness). */
  overrides?: Record<string, unknown>;
  /** Redis URL of the API's producer connection. Default: the test Redis. */
  redisUrl?: string;
}

/** An API app on a unique prefix, with an independent view of its queues for assertions. */
export interface ApiHarness {
  app: Application;
  config: AppConfig;
  services: ApiServices;
  /** The API's producer connection. */
  redis: Redis;
  /** Every line the API logged. */
  logs: winston.Logform.TransformableInfo[];
  /** A queue of the prefix, opened on the harness's own connection (not the API's). */
  queue(name: string): Queue;
  /** Jobs in every state, summed over every capability queue. */
  jobTotal(): Promise<number>;
  close(): Promise<void>;
}

/** Builds the app exactly as main.ts does, on a fresh prefix, with logs captured. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const prefix = uniquePrefix();
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const config = loadConfig({
    overrides: { ...options.overrides, redis: { url: redisUrl, prefix } },
  });
  const logs: winston.Logform.TransformableInfo[] = [];
  const logger = createLogger({ level: 'debug', transports: [captureTransport(logs)] });
  const redis = createRedisConnection({ url: redisUrl, role: 'producer', connectTimeoutMs: 500 });
  if (!options.redisUrl) await waitForReady(redis, 5000);
  const services = buildApiServices({ config, redis, logger });
  const app = createApp({
    ...services,
    redis,
    logger,
    bodyLimitBytes: config.api.bodyLimitBytes,
    sseHeartbeatMs: config.api.sseHeartbeatMs,
  });
  const own = createTestRedis('worker');
  const queues = new Map<string, Queue>();
  const queue = (name: string): Queue => {
    const existing = queues.get(name) ?? new Queue(name, { connection: own, prefix });
    queues.set(name, existing);
    return existing;
  };
  const jobTotal = async (): Promise<number> => {
    const counts = await Promise.all(
      services.router.allQueues().map((name) => queue(name).getJobCounts()),
    );
    return counts.flatMap((c) => Object.values(c)).reduce((sum, n) => sum + n, 0);
  };
  const close = async (): Promise<void> => {
    await services.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
    await closeRedis(redis);
    await deletePrefix(own, prefix);
    await own.quit();
  };
  return { app, config, services, redis, logs, queue, jobTotal, close };
}

function captureTransport(logs: winston.Logform.TransformableInfo[]): winston.transport {
  const stream = new Writable({
    objectMode: true,
    write(info: winston.Logform.TransformableInfo, _encoding, done) {
      logs.push(info);
      done();
    },
  });
  return new winston.transports.Stream({ stream });
}
