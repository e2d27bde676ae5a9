/**
 * Convict schema of config `retention`: how often the leading supervisor removes data past its
 * age (see `RetentionSweeper`), how much at a time, and the age of the data classes that have
 * no key elsewhere. The other ages are `tasks.keepCompletedSeconds`, `tasks.keepFailedSeconds`,
 * `tasks.keepDeadLetteredSeconds`, `costs.retentionDays` and `safety.events.retentionDays`
 * (`retentionAgesOf` reads them all).
 */
export const retentionConfigSchema = {
  sweepIntervalMs: {
    doc: 'How often the leading supervisor removes the data of every class past its age (completed and failed tasks and runs, dead letters, idle worlds, cost buckets, safety events, the audit trail, queue event logs), whether or not new work arrives.',
    format: 'positive-int',
    default: 60_000,
    env: 'TTA_RETENTION_SWEEP_INTERVAL_MS',
  },
  batchSize: {
    doc: 'Most entries one sweep removes per data class and queue (or store) and shard; what is left goes at the next sweep.',
    format: 'positive-int',
    default: 1000,
    env: 'TTA_RETENTION_BATCH_SIZE',
  },
  worldIdleDays: {
    doc: "How long a session's world state and its history of applied turns are kept after the session's last read or update of its world.",
    format: 'positive-int',
    default: 7,
    env: 'TTA_RETENTION_WORLD_IDLE_DAYS',
  },
};
