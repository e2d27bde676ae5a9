import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import {
  closeRedis,
  createLogger,
  createRedisConnection,
  DEVELOPMENT_API_KEY,
  hashApiKey,
  loadConfig,
  type ApiKeyRateLimit,
  type AppConfig,
  type RedisClient,
  waitForReady,
} from '@tta/core';
import { type ApiScope } from '@tta/contracts';
import { createTestRedis, deletePrefix, testRedisUrl, uniquePrefix } from '@tta/test-utils';
import { Queue } from 'bullmq';
import type { Application } from 'express';
import winston from 'winston';
import { createApp } from '../../src/app';
import { buildApiServices, type ApiServices } from '../../src/build-api';
import { buildApiAuth, type ApiAuth } from '../../src/access/build-auth';

/** An API key a test presents, in the clear (the harness configures its hash). */
export interface TestApiKey {
  /** The key's id in config. */
  id: string;
  /** The key itself. */
  key: string;
  /** What it may do. */
  scopes: ApiScope[];
  /** Whose data it works on. Default: its id. */
  owner?: string;
  /** Its own rate limit. */
  rateLimit?: ApiKeyRateLimit;
}

/** Options of {@link startApiHarness}. */
export interface ApiHarnessOptions {
  /**
   * Config values over the test config (the prefix and Redis URL are set by the harness;
   * `auth.keys` gets the harness key and {@link ApiHarnessOptions.apiKeys} added; `rateLimit`
   * defaults to 1,000,000 requests a second, `auth.failedAttempts` to 0, no limit).
   */
  overrides?: Record<string, unknown>;
  /** Redis URL of the API's producer connection. Default: the test Redis. */
  redisUrl?: string;
  /** Keys configured besides the harness's own admin key. Default: none. */
  apiKeys?: TestApiKey[];
  /** Key prefix, to run several apps on one deployment. Default: a fresh unique one. */
  prefix?: string;
  /**
   * Configure no key at all, so that the API takes the development key (`apiKey` is then
   * `tta-dev-key`); `apiKeys` are left out. Default: false.
   */
  developmentKey?: boolean;
}

/** An API app on a unique prefix, with an independent view of its queues for assertions. */
export interface ApiHarness {
  /**
   * The app as a client holding {@link ApiHarness.apiKey} (scope `admin`) sees it: a request
   * that carries no `Authorization` or `X-API-Key` header gets `Authorization: Bearer <apiKey>`.
   */
  app: RequestListener;
  /** The express app itself: requests carry only the headers the test gives. */
  rawApp: Application;
  /** A key with scope `admin`, configured by the harness. */
  apiKey: string;
  /** The API's keys, sessions and rate limiter. */
  auth: ApiAuth;
  config: AppConfig;
  services: ApiServices;
  /** The API's producer connection. */
  redis: RedisClient;
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
  const prefix = options.prefix ?? uniquePrefix();
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const apiKey = options.developmentKey
    ? DEVELOPMENT_API_KEY
    : `harness-${randomBytes(16).toString('hex')}`;
  const auth = options.developmentKey
    ? { failedAttempts: 0, ...(options.overrides?.auth as object | undefined), keys: [] }
    : withHarnessKey(options.overrides?.auth, apiKey, options.apiKeys ?? []);
  const config = loadConfig({
    overrides: {
      // Tests send bursts with one key; the rate-limit tests set their own limits.
      rateLimit: { points: 1_000_000 },
      ...options.overrides,
      auth,
      redis: { url: redisUrl, prefix },
    },
  });
  const logs: winston.Logform.TransformableInfo[] = [];
  const logger = createLogger({ level: 'debug', transports: [captureTransport(logs)] });
  const redis = createRedisConnection({ url: redisUrl, role: 'producer', connectTimeoutMs: 500 });
  if (!options.redisUrl) await waitForReady(redis, 5000);
  const services = buildApiServices({ config, redis, logger });
  await services.policies.start();
  await services.memory.start();
  const apiAuth = buildApiAuth({ config, redis, logger });
  const rawApp = createApp({
    ...services,
    redis,
    logger,
    auth: apiAuth,
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
  const app = withDefaultKey(rawApp, apiKey);
  return {
    app,
    rawApp,
    apiKey,
    auth: apiAuth,
    config,
    services,
    redis,
    logs,
    queue,
    jobTotal,
    close,
  };
}

// Config `auth` of the overrides, with the harness's admin key and the test's keys added.
function withHarnessKey(
  auth: unknown,
  apiKey: string,
  keys: TestApiKey[],
): Record<string, unknown> {
  const given = (auth ?? {}) as { keys?: unknown[] };
  const configured = [{ id: 'harness-admin', key: apiKey, scopes: ['admin'] }, ...keys].map(
    ({ key, ...rest }) => ({ ...rest, hash: hashApiKey(key) }),
  );
  // Tests present wrong keys on purpose; the failed-authentication tests set their own limit.
  return { failedAttempts: 0, ...given, keys: [...configured, ...(given.keys ?? [])] };
}

function withDefaultKey(app: Application, apiKey: string): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization === undefined && req.headers['x-api-key'] === undefined) {
      req.headers.authorization = `Bearer ${apiKey}`;
    }
    app(req, res);
  };
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
