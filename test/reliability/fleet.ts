import path from 'node:path';
import { AgentRegistry, createRedisConnection, freePort, QueueNames } from '@tta/core';
import {
  deletePrefix,
  isAlive,
  REPO_ROOT,
  spawnNode,
  stopProcess,
  uniquePrefix,
  waitFor,
  type TestProcess,
} from '@tta/test-utils';
import { Redis } from 'ioredis';

/** The fixture agent of the suite: `test.chaos` tasks whose input decides how they behave. */
export const CHAOS_AGENT_MODULE = path.join(REPO_ROOT, 'test/fixtures/agents/chaos-agent.js');

/** The built-in agent types, which a fleet of chaos agents turns off. */
const BUILT_IN_OFF = {
  'input-processor': { enabled: false },
  'world-builder': { enabled: false },
  'narrative-generator': { enabled: false },
};

/** Options of {@link startFleet}. */
export interface FleetOptions {
  /** The Redis every process uses. */
  redisUrl: string;
  /** Chaos workers the supervisor keeps running. Default: 0. */
  chaosWorkers?: number;
  /** Whether the built-in agents run too (one worker each). Default: without chaos workers only. */
  builtInAgents?: boolean;
  /** Jobs each chaos worker runs at once. Default: 16. */
  chaosConcurrency?: number;
  /** Settings of the `test.chaos` capability (attempts, timeoutMs, backoffMs). */
  chaosCapability?: Record<string, unknown>;
  /** Whether to start the API. Default: true. */
  api?: boolean;
  /** Whether to start the supervisor (and through it the workers). Default: true. */
  supervisor?: boolean;
  /** Extra environment of every process. */
  env?: NodeJS.ProcessEnv;
}

/** What the API answered to {@link Fleet.call}. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  /** Time to the answer. */
  ms: number;
}

/** A running system of real processes (API, supervisor, its workers) under a fresh key prefix. */
export interface Fleet {
  names: QueueNames;
  /** Base URL of the API, when started. */
  apiUrl: string;
  api?: TestProcess;
  supervisor?: TestProcess;
  /** A worker-role connection of the test to the fleet's Redis (reconnects by itself). */
  redis: Redis;
  registry: AgentRegistry;
  /** Sends a JSON request to the API with the dev key; a network error answers status 0. */
  call(method: string, urlPath: string, body?: unknown, timeoutMs?: number): Promise<ApiAnswer>;
  /** Waits until `count` agents of `type` are ready, and returns their pids. */
  liveAgents(type: string, count: number, timeoutMs?: number): Promise<number[]>;
  /** Pids of the live worker processes of `type`, as the registry knows them. */
  workerPids(type: string): Promise<number[]>;
  /** Stops every process, kills what is left, deletes the prefix. Safe to call twice. */
  close(): Promise<void>;
}

/** Environment shared by the processes of every reliability test. */
function baseEnv(options: FleetOptions, prefix: string, port: number): NodeJS.ProcessEnv {
  const chaos = options.chaosWorkers ?? 0;
  const agents = {
    ...((options.builtInAgents ?? chaos === 0) ? {} : BUILT_IN_OFF),
    ...(chaos > 0 && {
      chaos: {
        replicas: chaos,
        concurrency: options.chaosConcurrency ?? 16,
        module: CHAOS_AGENT_MODULE,
      },
    }),
  };
  const capabilities = {
    'test.chaos': { agentType: 'chaos', attempts: 3, backoffMs: 100, ...options.chaosCapability },
  };
  return {
    REDIS_URL: options.redisUrl,
    TTA_REDIS_PREFIX: prefix,
    PORT: String(port),
    TTA_API_HOST: '127.0.0.1',
    TTA_LOG_LEVEL: 'warn',
    TTA_RATE_LIMIT_ENABLED: 'false',
    TTA_SUPERVISOR_DIAGNOSTICS_PORT: '-1',
    TTA_WORKER_DIAGNOSTICS_PORT: '-1',
    TTA_SUPERVISOR_RESTART_BACKOFF_MS: '100',
    TTA_SUPERVISOR_RESTART_MAX_BACKOFF_MS: '400',
    TTA_SUPERVISOR_RESTART_LIMIT: '1000',
    TTA_WORKER_SHUTDOWN_GRACE_MS: '2000',
    TTA_CAPABILITIES: JSON.stringify(capabilities),
    TTA_AGENTS: JSON.stringify(agents),
    ...options.env,
  };
}

/** Starts the API and the supervisor (whose local executor runs the workers) as child processes. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const names = new QueueNames(uniquePrefix());
  const port = await freePort();
  const env = baseEnv(options, names.prefix, port);
  const redis = connectTo(options.redisUrl);
  const registry = new AgentRegistry(redis, { names, ttlMs: 3000 });
  const seenPids = new Set<number>();
  const keep = { maxOutputChars: 200_000 };
  const supervisor =
    options.supervisor === false
      ? undefined
      : spawnNode('apps/supervisor/dist/main.js', [], env, keep);
  const api = options.api === false ? undefined : spawnNode('apps/api/dist/main.js', [], env, keep);
  const apiUrl = `http://127.0.0.1:${port}`;

  const workerPids = async (type: string): Promise<number[]> => {
    const agents = await registry.list({ type });
    const pids = agents.map((a) => a.pid).filter((pid) => isAlive(pid));
    for (const pid of pids) seenPids.add(pid);
    return pids;
  };
  let closing: Promise<void> | undefined;
  const fleet: Fleet = {
    names,
    apiUrl,
    api,
    supervisor,
    redis,
    registry,
    call: (method, urlPath, body, timeoutMs) => callApi(apiUrl, method, urlPath, body, timeoutMs),
    workerPids,
    liveAgents: (type, count, timeoutMs = 30_000) =>
      waitFor(
        async () => {
          const ready = await registry.list({ type, status: 'ready' });
          const pids = ready.map((a) => a.pid).filter((pid) => isAlive(pid));
          for (const pid of pids) seenPids.add(pid);
          return pids.length >= count ? pids : undefined;
        },
        { timeoutMs, what: `${count} live ${type} agents\n${supervisor?.output() ?? ''}` },
      ),
    close: () =>
      (closing ??= (async () => {
        await Promise.all([api && stopProcess(api, 5000), supervisor && stopProcess(supervisor)]);
        // Workers notice their supervisor is gone; any still running now is killed.
        for (const pid of seenPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
        if (redis.status === 'ready') await deletePrefix(redis, names.prefix);
        redis.disconnect();
      })()),
  };
  if (api) {
    await waitFor(async () => (await fleet.call('GET', '/readyz')).status === 200, {
      timeoutMs: 20_000,
      what: `the API to be ready\n${api.output()}`,
    });
  }
  return fleet;
}

/** A worker-role connection (it waits out outages) to the single Redis server at `url`. */
export function connectTo(url: string): Redis {
  const redis = createRedisConnection({ url, name: 'tta-reliability' });
  if (!(redis instanceof Redis)) {
    redis.disconnect();
    throw new Error(`the reliability suite needs one Redis server (redis://), not ${url}`);
  }
  return redis;
}

/** One JSON request to the API with the dev key. */
export async function callApi(
  baseUrl: string,
  method: string,
  urlPath: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<ApiAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: {
        authorization: 'Bearer tta-dev-key',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, ms: Date.now() - started };
  } catch {
    return { status: 0, body: undefined, ms: Date.now() - started };
  }
}
