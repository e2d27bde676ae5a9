/**
 * The error codes of admission control and their HTTP status: new work refused while the
 * deployment is at capacity. Each such answer carries `Retry-After` (whole seconds).
 */
export const ADMISSION_ERROR_STATUS = {
  /** A queue holds `admission.maxWaitingPerQueue` tasks that no agent has started yet. */
  queue_full: 429,
  /** The caller's owner has `admission.maxWaitingPerOwner` tasks that no agent has started yet. */
  owner_backlog_full: 429,
  /** Redis is above `admission.memoryHighWatermark` of its `maxmemory`, or out of memory. */
  capacity: 503,
} as const;

/** A code of {@link ADMISSION_ERROR_STATUS}. */
export type AdmissionErrorCode = keyof typeof ADMISSION_ERROR_STATUS;

/** The outcome of a player turn admitted while Redis was short of memory and not in crisis. */
export const CAPACITY_OUTCOME = 'capacity';
