import convict from 'convict';
import { isIP } from 'node:net';
import { commaList } from './coerce';

// A host name the API answers to: a name (`api.example.com`), a wildcard for its subdomains
// (`*.example.com`), an IP address (`[::1]` or `::1` for IPv6), or `*` for any.
const HOST_NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

/** Whether `entry` may stand in config `api.allowedHosts`. */
export function isAllowedHostEntry(entry: string): boolean {
  if (entry === '*') return true;
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  return isIP(bare) !== 0 || HOST_NAME.test(entry);
}

convict.addFormat({
  name: 'host-list',
  validate(value: unknown) {
    if (!Array.isArray(value)) throw new Error('must be a list of host names');
    for (const entry of value) {
      if (typeof entry !== 'string' || !isAllowedHostEntry(entry)) {
        throw new Error(
          `'${String(entry)}' is not a host name, *.domain, an IP address or * (no port, no scheme)`,
        );
      }
    }
  },
  coerce: commaList,
});

const NO_HOSTS: string[] = [];

/** The convict schema of config `api`: the HTTP API's listener, its limits and its proxies. */
export const apiConfigSchema = {
  host: {
    doc: 'Interface the API listens on: 127.0.0.1 (this machine only) unless set; 0.0.0.0 (every interface) is an explicit choice, as in the containers.',
    format: String,
    default: '127.0.0.1',
    env: 'TTA_API_HOST',
  },
  port: { doc: 'Port of the HTTP API.', format: 'port', default: 8080, env: 'PORT' },
  allowedHosts: {
    doc: 'Host names the API answers to besides localhost, 127.0.0.1 and [::1] (any port): names, *.domain for subdomains, or * for any (off). A request naming another host gets 421 host_not_allowed, so that a web page cannot reach the API by DNS rebinding. A Host that is an IP address is always accepted (rebinding needs a name): probes and scrapers that use the pod address work.',
    format: 'host-list',
    default: NO_HOSTS,
    env: 'TTA_API_ALLOWED_HOSTS',
  },
  bodyLimitBytes: {
    doc: 'Largest request body accepted; larger ones get 413.',
    format: 'positive-int',
    default: 1_048_576,
    env: 'TTA_API_BODY_LIMIT_BYTES',
  },
  maxBatchSize: {
    doc: 'Most tasks accepted by one POST /v1/tasks/batch.',
    format: 'positive-int',
    default: 500,
    env: 'TTA_API_MAX_BATCH_SIZE',
  },
  sseHeartbeatMs: {
    doc: 'Interval of the heartbeat comment on open event streams (GET .../events), so that proxies keep them open.',
    format: 'positive-int',
    default: 15_000,
    env: 'TTA_API_SSE_HEARTBEAT_MS',
  },
  maxEventStreams: {
    doc: 'Most event streams (GET .../events, the safety feed) open at once on one API instance; past it a new one gets 429 too_many_streams.',
    format: 'positive-int',
    default: 5000,
    env: 'TTA_API_MAX_EVENT_STREAMS',
  },
  maxEventStreamsPerKey: {
    doc: 'Most event streams one API key (or admin session) holds open at once on one API instance; past it 429 too_many_streams.',
    format: 'positive-int',
    default: 1000,
    env: 'TTA_API_MAX_EVENT_STREAMS_PER_KEY',
  },
  headersTimeoutMs: {
    doc: "Time a client has to send a request's headers; a slower one is answered 408 and closed.",
    format: 'positive-int',
    default: 10_000,
    env: 'TTA_API_HEADERS_TIMEOUT_MS',
  },
  requestTimeoutMs: {
    doc: 'Time a client has to send a whole request (headers and body), at least headersTimeoutMs; it does not bound the answer, so event streams stay open.',
    format: 'positive-int',
    default: 30_000,
    env: 'TTA_API_REQUEST_TIMEOUT_MS',
  },
  keepAliveTimeoutMs: {
    doc: 'How long an idle keep-alive connection stays open for its next request.',
    format: 'positive-int',
    default: 5000,
    env: 'TTA_API_KEEP_ALIVE_TIMEOUT_MS',
  },
  maxConnections: {
    doc: "Most connections open at once; at the limit a new one closes the oldest idle connection (one with no request under way: a slow or silent client), or is closed itself when every one is busy. 0: 80 % of the process's open-file limit, at most 10000.",
    format: 'nat',
    default: 0,
    env: 'TTA_API_MAX_CONNECTIONS',
  },
  maxConnectionsPerAddress: {
    doc: 'Most connections open at once from one client address (of the connection: a proxy counts as one client; loopback addresses are exempt); more are closed at once. 0: no limit.',
    format: 'nat',
    default: 256,
    env: 'TTA_API_MAX_CONNECTIONS_PER_ADDRESS',
  },
  trustProxy: {
    doc: 'Proxies believed about the client address (X-Forwarded-For) and protocol (X-Forwarded-Proto): false (none: the address of the connection), a hop count n (the address n hops before the API), or a comma-separated list of proxy addresses, subnets and loopback, linklocal, uniquelocal. The client address keys the admin login limit and the failed-authentication limit, decides whether the development key is accepted (loopback only), and is recorded with admin sessions.',
    format: 'trust-proxy',
    default: 'false',
    env: 'TTA_API_TRUST_PROXY',
  },
};

/** The listener settings of config `api` that must agree with each other. */
export interface ApiListenerSettings {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Checks what one key's format cannot: the request timeout covers the headers' (Node refuses a
 * server whose headers may take longer than the whole request). Returns the reason, or `undefined`.
 */
export function apiListenerProblem(api: ApiListenerSettings): string | undefined {
  if (api.requestTimeoutMs < api.headersTimeoutMs) {
    return `api.requestTimeoutMs (TTA_API_REQUEST_TIMEOUT_MS): must be at least api.headersTimeoutMs (${api.headersTimeoutMs})`;
  }
  return undefined;
}
