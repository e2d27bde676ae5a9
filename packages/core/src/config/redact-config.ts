import type { AppConfig } from './load-config';

/** The config with every secret replaced, safe to log or show. */
export function redactConfig(config: AppConfig): unknown {
  return {
    ...config,
    redis: { ...config.redis, url: redactUrl(config.redis.url) },
  };
}

/** A Redis URL with its password (and username) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return '***';
  }
}
