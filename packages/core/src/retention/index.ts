/**
 * Retention: the age of each class of data, and the sweeper that removes what is older, by
 * time, in the leading supervisor.
 */
export {
  RETENTION_CLASSES,
  type RetentionAges,
  retentionAgesOf,
  type RetentionClass,
  type RetentionConfig,
} from './retention-ages';
export {
  expiredBuckets,
  retentionCutoffs,
  type RetentionCutoffs,
  streamTrimThreshold,
} from './retention-plan';
export {
  type ResolvedRetentionSweeperOptions,
  resolveRetentionSweeperOptions,
  type RetentionReport,
  RetentionSweeper,
  type RetentionSweeperEvents,
  type RetentionSweeperOptions,
} from './retention-sweeper';
