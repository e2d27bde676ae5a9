import { RETENTION_CLASSES, type RetentionAges, type RetentionClass } from './retention-ages';

/** Per data class, the time (epoch ms) before which its data goes. */
export type RetentionCutoffs = Readonly<Record<RetentionClass, number>>;

/** The cutoff of each class at `nowMs`: data older than its age, `nowMs - age`, goes. */
export function retentionCutoffs(ages: RetentionAges, nowMs: number): RetentionCutoffs {
  const cutoffs = {} as Record<RetentionClass, number>;
  for (const name of RETENTION_CLASSES) cutoffs[name] = nowMs - ages[name];
  return cutoffs;
}

/**
 * The `MINID` that trims a stream of at most `limit` of its entries older than `cutoffMs`,
 * given the ids of its oldest entries, up to `limit + 1`, that are older (stream ids start
 * with their epoch ms). With no more than `limit` of them, the cutoff itself: every older
 * entry goes. With more, the id of the first one to keep: exactly `limit` go, the rest at the
 * next sweep.
 */
export function streamTrimThreshold(
  olderIds: readonly string[],
  cutoffMs: number,
  limit: number,
): string {
  return olderIds.length > limit ? (olderIds[limit] as string) : String(cutoffMs);
}

/**
 * The buckets of a ledger of `bucketMs`-long buckets (numbered from the epoch) that ended by
 * `cutoffMs`: the newest `lookback` of them, oldest first. Older ones went at earlier sweeps or
 * with their key's TTL; a bucket still partly younger than the cutoff stays.
 */
export function expiredBuckets(cutoffMs: number, bucketMs: number, lookback: number): number[] {
  const firstKept = Math.floor(cutoffMs / bucketMs);
  const from = Math.max(0, firstKept - lookback);
  return Array.from({ length: firstKept - from }, (_, i) => from + i);
}
