import convict from 'convict';
import { admissionConfigSchema } from './admission-config-schema';
import { apiConfigSchema } from './api-config-schema';
import { authConfigSchema, rateLimitConfigSchema } from './auth-config-schema';
import { autoscalerConfigSchema } from './autoscaler-config-schema';
import { costsConfigSchema, llmConfigSchema } from './llm-config-schema';
import { crisisResourcesSchema } from './crisis-resources';
import { diagnosticsConfigSchema } from './diagnostics-config-schema';
import { retentionConfigSchema } from './retention-config-schema';
import { safetyConfigSchema } from './safety-config-schema';
import { encryptionConfigSchema } from './encryption-config-schema';
import { trustProxySetting } from './trust-proxy';

convict.addFormat({
  name: 'positive-int',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new Error('must be a positive integer');
    }
  },
  coerce: (value: unknown) => (typeof value === 'string' ? Number(value) : value),
});

convict.addFormat({
  name: 'shard-count',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1024) {
      throw new Error('must be an integer from 1 to 1024');
    }
  },
  coerce: (value: unknown) => (typeof value === 'string' ? Number(value) : value),
});

convict.addFormat({
  name: 'fraction',
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new Error('must be a number from 0 to 1');
    }
  },
  coerce: (value: unknown) => (typeof value === 'string' ? Number(value) : value),
});

convict.addFormat({
  name: 'trust-proxy',
  validate(value: unknown) {
    if (typeof value !== 'string') throw new Error('must be a string: "false", "1", "loopback"...');
    trustProxySetting(value);
  },
});

// A list of crisis resources, from a file or as JSON in an environment variable.
convict.addFormat({
  name: 'crisis-resources',
  validate(value: unknown) {
    const parsed = crisisResourcesSchema.safeParse(value);
    if (parsed.success) return;
    const issue = parsed.error.issues[0];
    const at = (issue?.path ?? []).map(String).join('.');
    throw new Error(`${at ? `${at}: ` : ''}${issue?.message ?? 'invalid'}`);
  },
  coerce: (value: unknown) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  },
});

/** The convict schema of every process's configuration. Only the config module reads it. */
export function createConfigSchema(env: NodeJS.ProcessEnv = process.env) {
  return convict(
    {
      env: {
        doc: 'Environment: selects config/<env>.json and defaults such as the log format.',
        format: ['production', 'development', 'test'],
        default: 'development',
        env: 'NODE_ENV',
      },
      redis: {
        url: {
          doc: 'Redis URL: redis://[:password@]host:port[/db] (rediss:// for TLS); redis+cluster://host:port[,host:port...] for a Redis Cluster; redis+sentinel://[:password@]host:port[,host:port...]/<masterName>[/db] for Redis Sentinel (rediss+cluster://, rediss+sentinel:// for TLS).',
          format: String,
          default: 'redis://127.0.0.1:6379',
          env: 'REDIS_URL',
          sensitive: true,
        },
        prefix: {
          doc: 'Key prefix of every queue and registry key; keep the hash tag for Redis Cluster.',
          format: (v: unknown) => {
            if (typeof v !== 'string' || !/^\{[^{}]+\}$/.test(v)) {
              throw new Error('must be a hash tag such as {tta}');
            }
          },
          default: '{tta}',
          env: 'TTA_REDIS_PREFIX',
        },
        shards: {
          doc: 'Number of shards: 1 keeps every key under the prefix; N spreads queues over N hash tags ({tta}, {tta-1} ... {tta-N-1}), so that a Redis Cluster serves them from several masters. A session stays on one shard; workers consume every shard. Change it only with the queues drained.',
          format: 'shard-count',
          default: 1,
          env: 'TTA_REDIS_SHARDS',
        },
        tlsRejectUnauthorized: {
          doc: 'With rediss://, whether to verify the server certificate.',
          format: Boolean,
          default: true,
          env: 'TTA_REDIS_TLS_REJECT_UNAUTHORIZED',
        },
        connectTimeoutMs: {
          doc: 'Time to wait for a Redis connection before failing.',
          format: 'positive-int',
          default: 2000,
          env: 'TTA_REDIS_CONNECT_TIMEOUT_MS',
        },
      },
      log: {
        level: {
          doc: 'Lowest level logged.',
          format: ['error', 'warn', 'info', 'debug'],
          default: 'info',
          env: 'TTA_LOG_LEVEL',
        },
        format: {
          doc: 'json (one object a line) or pretty (human-readable).',
          format: ['json', 'pretty'],
          default: 'json',
          env: 'TTA_LOG_FORMAT',
        },
      },
      api: apiConfigSchema,
      routing: {
        noLiveAgent: {
          doc: 'With no live agent for a capability: queue the task anyway, or refuse it with 503.',
          format: ['queue', 'refuse'],
          default: 'queue',
          env: 'TTA_ROUTING_NO_LIVE_AGENT',
        },
        snapshotTtlMs: {
          doc: 'How long the router reuses what it read of live agents and queue depths (for tasks with requirements, and every task when noLiveAgent is refuse); 0 reads for every task.',
          format: 'nat',
          default: 250,
          env: 'TTA_ROUTING_SNAPSHOT_TTL_MS',
        },
        maxPools: {
          doc: 'Most queues the router keeps track of (pool queues, and the generic queues live agents consume): those of live agents first, then the most recently used. Config must not declare more pool queues than this.',
          format: 'positive-int',
          default: 256,
          env: 'TTA_ROUTING_MAX_POOLS',
        },
        poolIdleMs: {
          doc: 'A pool queue with no job in any state and no live agent consuming it for this long is forgotten (no longer listed in metrics, Bull Board, sweeps); it comes back when a task or an agent uses it again.',
          format: 'positive-int',
          default: 600_000,
          env: 'TTA_ROUTING_POOL_IDLE_MS',
        },
        poolPruneIntervalMs: {
          doc: 'Time between two passes of the leading supervisor that forget idle pool queues.',
          format: 'positive-int',
          default: 60_000,
          env: 'TTA_ROUTING_POOL_PRUNE_INTERVAL_MS',
        },
      },
      tasks: {
        defaultTimeoutMs: {
          doc: 'Handler timeout of a task whose request and capability name none.',
          format: 'positive-int',
          default: 30_000,
          env: 'TTA_TASKS_DEFAULT_TIMEOUT_MS',
        },
        maxTimeoutMs: {
          doc: 'Largest timeoutMs a request may ask for.',
          format: 'positive-int',
          default: 600_000,
          env: 'TTA_TASKS_MAX_TIMEOUT_MS',
        },
        defaultAttempts: {
          doc: 'Attempts of a task whose capability names none.',
          format: 'positive-int',
          default: 3,
          env: 'TTA_TASKS_DEFAULT_ATTEMPTS',
        },
        defaultBackoffMs: {
          doc: 'Base of the exponential backoff between attempts.',
          format: 'nat',
          default: 500,
          env: 'TTA_TASKS_DEFAULT_BACKOFF_MS',
        },
        defaultBackoffJitter: {
          doc: 'Fraction (0 to 1) of each backoff delay that is random, so that retries spread out.',
          format: 'fraction',
          default: 0.5,
          env: 'TTA_TASKS_DEFAULT_BACKOFF_JITTER',
        },
        keepCompletedSeconds: {
          doc: 'How long a completed task and its result stay readable.',
          format: 'positive-int',
          default: 86_400,
          env: 'TTA_TASKS_KEEP_COMPLETED_SECONDS',
        },
        keepCompletedCount: {
          doc: 'Most completed tasks kept per queue.',
          format: 'positive-int',
          default: 100_000,
          env: 'TTA_TASKS_KEEP_COMPLETED_COUNT',
        },
        keepFailedSeconds: {
          doc: 'How long a failed task stays readable.',
          format: 'positive-int',
          default: 604_800,
          env: 'TTA_TASKS_KEEP_FAILED_SECONDS',
        },
        idempotencyWindowSeconds: {
          doc: 'How long an idempotency key gives back its task (even once its job is gone); after it, the key may be reused.',
          format: 'positive-int',
          default: 86_400,
          env: 'TTA_TASKS_IDEMPOTENCY_WINDOW_SECONDS',
        },
        keepDeadLetteredSeconds: {
          doc: 'How long a task stays in the dead-letter queue before it is purged.',
          format: 'positive-int',
          default: 2_592_000,
          env: 'TTA_TASKS_KEEP_DEAD_LETTERED_SECONDS',
        },
      },
      registry: {
        heartbeatIntervalMs: {
          doc: 'How often an agent heartbeats into the registry.',
          format: 'positive-int',
          default: 500,
          env: 'TTA_REGISTRY_HEARTBEAT_INTERVAL_MS',
        },
        ttlMs: {
          doc: "An agent whose last heartbeat is older than this is dead: the leading supervisor then removes it and releases its tasks' locks, so that live agents run them again at once.",
          format: 'positive-int',
          default: 2000,
          env: 'TTA_REGISTRY_TTL_MS',
        },
      },
      worker: {
        lockDurationMs: {
          doc: "BullMQ job lock. A Redis stall (failover, slow fsync) shorter than this minus lockRenewMs does not run tasks again; without a supervisor, a dead worker's task runs again about this long after it died (with one, once the registry finds the agent dead).",
          format: 'positive-int',
          default: 10_000,
          env: 'TTA_WORKER_LOCK_DURATION_MS',
        },
        lockRenewMs: {
          doc: "How often a worker renews the locks of its running jobs (BullMQ's lockRenewTime); must be shorter than lockDurationMs.",
          format: 'positive-int',
          default: 1000,
          env: 'TTA_WORKER_LOCK_RENEW_MS',
        },
        stalledIntervalMs: {
          doc: 'How often workers check for stalled jobs.',
          format: 'positive-int',
          default: 250,
          env: 'TTA_WORKER_STALLED_INTERVAL_MS',
        },
        maxStalledCount: {
          doc: 'Times a job may stall before it fails for good.',
          format: 'nat',
          default: 2,
          env: 'TTA_WORKER_MAX_STALLED_COUNT',
        },
        shutdownGraceMs: {
          doc: 'On SIGTERM, how long in-flight jobs may run before they are handed back.',
          format: 'positive-int',
          default: 10_000,
          env: 'TTA_WORKER_SHUTDOWN_GRACE_MS',
        },
        diagnosticsPort: {
          doc: "Port of the worker's /metrics and /healthz; 0 picks a free one, -1 turns it off.",
          format: 'int',
          default: 0,
          env: 'TTA_WORKER_DIAGNOSTICS_PORT',
        },
      },
      supervisor: {
        leaderLockTtlMs: {
          doc: 'Lifetime of the leader lock, renewed every third of it; a standby takes over within about 1.3 times this after the leader dies.',
          format: 'positive-int',
          default: 3000,
          env: 'TTA_SUPERVISOR_LEADER_LOCK_TTL_MS',
        },
        sweepIntervalMs: {
          doc: 'How often the leader sweeps dead agents from the registry (and releases their tasks).',
          format: 'positive-int',
          default: 250,
          env: 'TTA_SUPERVISOR_SWEEP_INTERVAL_MS',
        },
        localExecutor: {
          doc: 'Whether the supervisor starts workers as local child processes.',
          format: Boolean,
          default: true,
          env: 'TTA_SUPERVISOR_LOCAL_EXECUTOR',
        },
        restartBackoffMs: {
          doc: 'First delay before restarting a crashed worker; doubles on each crash.',
          format: 'positive-int',
          default: 500,
          env: 'TTA_SUPERVISOR_RESTART_BACKOFF_MS',
        },
        restartMaxBackoffMs: {
          doc: 'Longest delay between restarts of a crashing worker.',
          format: 'positive-int',
          default: 30_000,
          env: 'TTA_SUPERVISOR_RESTART_MAX_BACKOFF_MS',
        },
        restartLimit: {
          doc: 'Most restarts of one worker slot within restartWindowMs; past it the slot waits out the window.',
          format: 'positive-int',
          default: 5,
          env: 'TTA_SUPERVISOR_RESTART_LIMIT',
        },
        restartWindowMs: {
          doc: 'Window of restartLimit.',
          format: 'positive-int',
          default: 60_000,
          env: 'TTA_SUPERVISOR_RESTART_WINDOW_MS',
        },
        diagnosticsPort: {
          doc: "Port of the supervisor's /metrics and /healthz; 0 picks a free one, -1 turns it off.",
          format: 'int',
          default: 9464,
          env: 'TTA_SUPERVISOR_DIAGNOSTICS_PORT',
        },
      },
      diagnostics: diagnosticsConfigSchema,
      autoscaler: autoscalerConfigSchema,
      safety: safetyConfigSchema,
      auth: authConfigSchema,
      rateLimit: rateLimitConfigSchema,
      admission: admissionConfigSchema,
      llm: llmConfigSchema,
      costs: costsConfigSchema,
      retention: retentionConfigSchema,
      encryption: encryptionConfigSchema,
      workflows: {
        dir: {
          doc: 'Directory of the workflow definitions (YAML or JSON), relative to the config directory.',
          format: String,
          default: 'workflows',
          env: 'TTA_WORKFLOWS_DIR',
        },
      },
      policy: {
        dir: {
          doc: 'Directory of the tool policies (one YAML or JSON file per agent type, plus default), relative to the config directory.',
          format: String,
          default: 'policies',
          env: 'TTA_POLICY_DIR',
        },
        checkIntervalMs: {
          doc: 'How often each process compares its tool policy version with the applied one in Redis, in case it missed an announcement.',
          format: 'positive-int',
          default: 5000,
          env: 'TTA_POLICY_CHECK_INTERVAL_MS',
        },
        watchDebounceMs: {
          doc: 'Quiet time after the last change in the policy directory before the leading supervisor reloads it.',
          format: 'nat',
          default: 300,
          env: 'TTA_POLICY_WATCH_DEBOUNCE_MS',
        },
      },
      admin: {
        agentHistoryMinutes: {
          doc: 'How far back the agents page (/admin/agents) lists agents that left or died, in minutes.',
          format: 'positive-int',
          default: 10,
          env: 'TTA_ADMIN_AGENT_HISTORY_MINUTES',
        },
        drainRequestTtlMs: {
          doc: 'How long a drain request (/admin/agents, POST /v1/agents/:id/drain) stays in Redis for an agent that missed its message; the agent checks on each heartbeat.',
          format: 'positive-int',
          default: 600_000,
          env: 'TTA_ADMIN_DRAIN_REQUEST_TTL_MS',
        },
      },
    },
    { env, args: [] },
  );
}

/** The raw shape convict produces from the schema. */
export type RawConfig = ReturnType<ReturnType<typeof createConfigSchema>['getProperties']>;
