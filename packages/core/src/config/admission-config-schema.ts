/**
 * Convict schema of config `admission`: the limits on new work. Tasks that no agent has started
 * yet are limited per queue and per owner (429 `queue_full`, `owner_backlog_full`), and new work
 * is refused with 503 `capacity` while Redis is above a share of its `maxmemory` (see
 * docs/ADMISSION.md).
 */
export const admissionConfigSchema = {
  enabled: {
    doc: 'Whether the API limits new work (waiting tasks per queue and per owner, Redis memory). Off: everything valid is accepted while Redis takes it.',
    format: Boolean,
    default: true,
    env: 'TTA_ADMISSION_ENABLED',
  },
  maxWaitingPerQueue: {
    doc: 'Most tasks one queue (a capability, or one of its pools, over every shard) may hold that no agent has started yet (waiting, prioritized, delayed); more are refused with 429 queue_full.',
    format: 'positive-int',
    default: 100_000,
    env: 'TTA_ADMISSION_MAX_WAITING_PER_QUEUE',
  },
  maxWaitingPerOwner: {
    doc: 'Most tasks one owner (the owner of the API key) may have that no agent has started yet, over every queue; more are refused with 429 owner_backlog_full. The steps of workflow runs are not counted.',
    format: 'positive-int',
    default: 50_000,
    env: 'TTA_ADMISSION_MAX_WAITING_PER_OWNER',
  },
  depthRefreshMs: {
    doc: 'How old the queue depths and owner counts an API instance admits against may be before it reads them again (the tasks it admitted since are added to them).',
    format: 'positive-int',
    default: 250,
    env: 'TTA_ADMISSION_DEPTH_REFRESH_MS',
  },
  memoryHighWatermark: {
    doc: "Share of Redis's maxmemory above which new work (tasks, batches, workflow runs) is refused with 503 capacity; the rest is headroom for heartbeats, results, cancels and crisis responses. 1 turns the check off; a Redis without maxmemory is never refused.",
    format: 'fraction',
    default: 0.9,
    env: 'TTA_ADMISSION_MEMORY_HIGH_WATERMARK',
  },
  memoryCheckIntervalMs: {
    doc: "How often every process reads Redis's INFO memory (the API to refuse new work, the supervisor to hold its dead-agent sweep while Redis is full, both for tta_redis_memory_ratio).",
    format: 'positive-int',
    default: 1000,
    env: 'TTA_ADMISSION_MEMORY_CHECK_INTERVAL_MS',
  },
  retryAfterSeconds: {
    doc: 'Retry-After of the answers that refuse work for capacity (429 queue_full and owner_backlog_full, 503 capacity), in seconds.',
    format: 'positive-int',
    default: 5,
    env: 'TTA_ADMISSION_RETRY_AFTER_SECONDS',
  },
  reconcileIntervalMs: {
    doc: "How often the leading supervisor checks the owners' counts of waiting tasks against the jobs themselves (a task that started, ended or vanished without being counted out is removed).",
    format: 'positive-int',
    default: 30_000,
    env: 'TTA_ADMISSION_RECONCILE_INTERVAL_MS',
  },
  reconcileAfterMs: {
    doc: 'How long a counted task goes unchecked: the reconciliation looks at tasks counted (or last found waiting) at least this long ago.',
    format: 'positive-int',
    default: 60_000,
    env: 'TTA_ADMISSION_RECONCILE_AFTER_MS',
  },
};
