import type { RedisOptions } from 'ioredis';
import { redactUrl } from '../config/redact-config';

/** One node of a Redis Cluster or one Sentinel: host and port. */
export interface RedisHost {
  host: string;
  port: number;
}

/**
 * Where a Redis URL points, as ioredis options:
 * - `standalone`: one server (`redis://`, `rediss://`);
 * - `sentinel`: the master Redis Sentinel names (`redis+sentinel://`, `rediss+sentinel://`),
 *   `options` holding `sentinels` and `name`;
 * - `cluster`: a Redis Cluster (`redis+cluster://`, `rediss+cluster://`), reached through its
 *   seed `nodes`, `options` being the options of each node connection.
 */
export type RedisTarget =
  | { mode: 'standalone'; options: RedisOptions }
  | { mode: 'sentinel'; options: RedisOptions }
  | { mode: 'cluster'; nodes: RedisHost[]; options: RedisOptions };

const PROTOCOLS = 'redis://, rediss://, redis+cluster://, redis+sentinel:// (rediss+... for TLS)';

// scheme, credentials, hosts, path, query of `scheme://[creds@]host:port[,host:port...][/path][?query]`.
const MULTI_HOST_URL =
  /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i;

const SENTINEL_QUERY = new Set(['sentinelUsername', 'sentinelPassword']);

/**
 * Reads any Redis URL this project accepts (config `redis.url`, `REDIS_URL`):
 * - `redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS: one server;
 * - `redis+cluster://[[user]:password@]host:port[,host:port...]`, `rediss+cluster://` for TLS: a
 *   Redis Cluster, given one or more seed nodes (the others are discovered); no db;
 * - `redis+sentinel://[[user]:password@]host:port[,host:port...]/<masterName>[/db][?sentinelPassword=...&sentinelUsername=...]`,
 *   `rediss+sentinel://` for TLS (to the master and the sentinels): the master that the
 *   Sentinels (default port 26379) name `masterName`. The credentials are the master's; the
 *   Sentinels' own, if they need any, go in the query.
 *
 * Throws an error naming what is wrong, never echoing a password.
 */
export function redisTargetFromUrl(url: string, tlsRejectUnauthorized = true): RedisTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss') {
    return { mode: 'standalone', options: redisOptionsFromUrl(url, tlsRejectUnauthorized) };
  }
  const match = MULTI_HOST_URL.exec(url);
  const [, , credentials, hostList = '', path = '', query = ''] = match ?? [];
  const tls = scheme?.startsWith('rediss+') ?? false;
  const mode = scheme?.replace(/^rediss?\+/, '');
  if (!match || (mode !== 'cluster' && mode !== 'sentinel') || !/^rediss?\+/.test(scheme ?? '')) {
    const shown = scheme ? `'${scheme}:'` : 'missing';
    throw new Error(`invalid Redis URL protocol ${shown}: use ${PROTOCOLS}`);
  }
  const hosts = parseHosts(hostList, mode === 'sentinel' ? 26379 : 6379, url);
  const options: RedisOptions = credentialsOf(credentials);
  if (mode === 'cluster') {
    if (path !== '' && path !== '/') {
      throw new Error(`invalid Redis Cluster URL ${redactUrl(url)}: a cluster has no db`);
    }
    if (query !== '') throw new Error(`invalid Redis Cluster URL ${redactUrl(url)}: no query`);
    if (tls) options.tls = { rejectUnauthorized: tlsRejectUnauthorized };
    return { mode: 'cluster', nodes: hosts, options };
  }
  return {
    mode: 'sentinel',
    options: sentinelOptions(options, hosts, path, query, tls, url, tlsRejectUnauthorized),
  };
}

/** Turns a `redis://` or `rediss://` URL into ioredis options (host, port, db, username, password, TLS). */
export function redisOptionsFromUrl(url: string, tlsRejectUnauthorized = true): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid Redis URL: ${redactUrl(url)}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`invalid Redis URL protocol '${parsed.protocol}': use redis:// or rediss://`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`invalid Redis db '${db}' in URL`);
  const options: RedisOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: db === '' ? 0 : Number(db),
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') {
    options.tls = { rejectUnauthorized: tlsRejectUnauthorized, servername: parsed.hostname };
  }
  return options;
}

function sentinelOptions(
  options: RedisOptions,
  sentinels: RedisHost[],
  path: string,
  query: string,
  tls: boolean,
  url: string,
  tlsRejectUnauthorized: boolean,
): RedisOptions {
  const [name = '', db = '', ...rest] = path.replace(/^\//, '').split('/');
  if (name === '' || rest.length > 0) {
    throw new Error(
      `invalid Redis Sentinel URL ${redactUrl(url)}: name the master, as in redis+sentinel://host:26379/mymaster`,
    );
  }
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`invalid Redis db '${db}' in URL`);
  const resolved: RedisOptions = {
    ...options,
    sentinels,
    name: decodeURIComponent(name),
    db: db === '' ? 0 : Number(db),
  };
  for (const [key, value] of new URLSearchParams(query)) {
    if (!SENTINEL_QUERY.has(key)) {
      throw new Error(`invalid Redis Sentinel URL: unknown parameter '${key}'`);
    }
    if (key === 'sentinelUsername') resolved.sentinelUsername = value;
    if (key === 'sentinelPassword') resolved.sentinelPassword = value;
  }
  if (tls) {
    resolved.tls = { rejectUnauthorized: tlsRejectUnauthorized };
    resolved.sentinelTLS = { rejectUnauthorized: tlsRejectUnauthorized };
    resolved.enableTLSForSentinelMode = true;
  }
  return resolved;
}

function credentialsOf(credentials: string | undefined): RedisOptions {
  if (credentials === undefined || credentials === '') return {};
  const at = credentials.indexOf(':');
  const username = decode(at < 0 ? credentials : credentials.slice(0, at));
  const password = at < 0 ? '' : decode(credentials.slice(at + 1));
  return {
    ...(username !== '' && { username }),
    ...(password !== '' && { password }),
  };
}

function parseHosts(list: string, defaultPort: number, url: string): RedisHost[] {
  const hosts = list.split(',').map((entry) => {
    const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(entry.trim());
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || port < 1 || port > 65_535) {
      throw new Error(`invalid Redis URL ${redactUrl(url)}: bad host '${entry}'`);
    }
    return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
  });
  return hosts;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Error('invalid Redis URL: bad percent-encoding in its credentials');
  }
}
