import type { RedisClient } from '../redis/redis-connection';

/**
 * The field of a task's BullMQ job hash that counts its runs: the times a handler started for
 * it. BullMQ counts attempts (runs that failed) and stores nothing for a run repeated because
 * its lock expired; this field lives and dies with the job.
 */
export const TASK_RUNS_FIELD = 'tta:runs';

/** The key of a job's hash: `<prefix>:<queue>:<id>`, BullMQ's `queueQualifiedName` and id. */
export function jobHashKey(queueQualifiedName: string, jobId: string): string {
  return `${queueQualifiedName}:${jobId}`;
}

/**
 * Counts one run of a job whose hash is `jobKey`; returns the runs so far. The field is only
 * added to a job that still exists (a removed job is not brought back as a bare hash).
 */
export async function countTaskRun(redis: RedisClient, jobKey: string): Promise<number> {
  const runs = await redis.eval(COUNT_RUN, 1, jobKey, TASK_RUNS_FIELD);
  return Number(runs);
}

/** The runs counted for a job whose hash is `jobKey`; `undefined` when none were counted. */
export async function readTaskRuns(
  redis: RedisClient,
  jobKey: string,
): Promise<number | undefined> {
  const runs = await redis.hget(jobKey, TASK_RUNS_FIELD);
  return runs === null ? undefined : Number(runs);
}

const COUNT_RUN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)`;
