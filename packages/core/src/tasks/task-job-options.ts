import type { JobsOptions } from 'bullmq';
import type { CapabilityConfig } from '../config/catalog-schema';
import type { AppConfig } from '../config/load-config';

/** What a capability may set of its tasks' retries (config `capabilities.<name>`). */
export type RetryDefaults = Pick<CapabilityConfig, 'attempts' | 'backoffMs' | 'backoffJitter'>;

/**
 * The BullMQ options of a task's job, the one place every enqueue path takes them from (the
 * API's tasks, a workflow's steps and parent jobs): its id, attempts and exponential backoff
 * (the capability's, else config `tasks`), and retention by age and count. `attempts`
 * overrides the capability's (a step's `retries + 1`).
 */
export function taskJobOptions(
  jobId: string,
  tasks: AppConfig['tasks'],
  capability: RetryDefaults = {},
  attempts?: number,
): JobsOptions {
  return {
    jobId,
    attempts: attempts ?? capability.attempts ?? tasks.defaultAttempts,
    backoff: {
      type: 'exponential',
      delay: capability.backoffMs ?? tasks.defaultBackoffMs,
      jitter: capability.backoffJitter ?? tasks.defaultBackoffJitter,
    },
    removeOnComplete: { age: tasks.keepCompletedSeconds, count: tasks.keepCompletedCount },
    removeOnFail: { age: tasks.keepFailedSeconds },
  };
}
