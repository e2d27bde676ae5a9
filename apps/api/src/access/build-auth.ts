import {
  AdminSessions,
  ConfigError,
  FailedAuthLimiter,
  QueueNames,
  resolveAuth,
  type ApiKeys,
  type AppConfig,
  type Logger,
  type RedisClient,
} from '@tta/core';
import { ApiRateLimiter } from './api-rate-limiter';

/** How the API authenticates, authorises and rate-limits requests. */
export interface ApiAuth {
  /** Whether endpoints need a key; when off, every request acts with scope `admin`. */
  enabled: boolean;
  /** The keys a request may present. */
  keys: ApiKeys;
  /**
   * Whether `keys` is only the development key, because none is configured: it is then
   * accepted only from clients on this machine.
   */
  usesDevelopmentKey: boolean;
  /** Failed authentications per client address (config `auth.failedAttempts`). */
  failedAuth: FailedAuthLimiter;
  /** The admin sessions of `/admin/login`, in Redis: started, checked, listed and ended. */
  sessions: AdminSessions;
  /** Counts requests per key; `undefined` when rate limiting is off. */
  limiter?: ApiRateLimiter;
}

/** Options of {@link buildApiAuth}. */
export interface BuildApiAuthOptions {
  /** The loaded configuration (`auth`, `rateLimit`, `env`, `redis.prefix`). */
  config: AppConfig;
  /** The producer connection of the rate limiter and the admin sessions; the caller owns it. */
  redis: RedisClient;
  /** Receives the warnings about development keys and disabled auth. */
  logger: Logger;
}

/**
 * Builds the API's keys, admin sessions and rate limiter from config. Throws a
 * {@link ConfigError} when production has auth on but no keys or no session secret. Warns, at
 * every start, when the development key is in use or auth is off.
 */
export function buildApiAuth(options: BuildApiAuthOptions): ApiAuth {
  const { config, redis, logger } = options;
  const resolved = resolveAuth({ env: config.env, auth: config.auth });
  if (!resolved.enabled) {
    logger.warn('AUTH IS OFF (auth.enabled=false): every endpoint is open to anyone');
  } else if (resolved.usesDevelopmentKey) {
    logger.warn(
      'NO API KEYS CONFIGURED: using the development key tta-dev-key (scope admin) from the README, accepted only from this machine; set TTA_API_KEYS before this API is reachable by anyone else',
    );
  }
  const sessions = new AdminSessions(redis, {
    names: new QueueNames(config.redis.prefix),
    secret: resolved.sessionSecret,
    ttlMs: resolved.sessionTtlMs,
  });
  const { rateLimit } = config;
  const limiter = rateLimit.enabled
    ? new ApiRateLimiter(redis, {
        keyPrefix: `${config.redis.prefix}:rate-limit`,
        points: rateLimit.points,
        durationSeconds: rateLimit.durationSeconds,
        logger,
      })
    : undefined;
  const failedAuth = new FailedAuthLimiter({
    maxFailures: config.auth.failedAttempts,
    windowMs: config.auth.failedAttemptsWindowSeconds * 1000,
  });
  return {
    enabled: resolved.enabled,
    keys: resolved.keys,
    usesDevelopmentKey: resolved.usesDevelopmentKey,
    failedAuth,
    sessions,
    ...(limiter && { limiter }),
  };
}

/**
 * {@link buildApiAuth} for `main`: on a {@link ConfigError}, prints its one line to stderr and
 * exits with code 2, like invalid config.
 */
export function buildApiAuthOrExit(options: BuildApiAuthOptions): ApiAuth {
  try {
    return buildApiAuth(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}
