import winston from 'winston';
import {
  ConfigError,
  createLogger,
  loadConfig,
  QueueShards,
  retentionAgesOf,
  type RedisClient,
} from '@tta/core';
import { resolveRetentionSweeperOptions } from '../../../src/retention';

const SECOND = 1000;
const DAY = 86_400_000;

describe('retentionAgesOf', () => {
  it('reads every age from its config key, with the defaults', () => {
    const config = loadConfig({ env: {} });
    expect(retentionAgesOf(config)).toEqual({
      completed: 86_400 * SECOND,
      failed: 604_800 * SECOND,
      deadLetter: 2_592_000 * SECOND,
      world: 7 * DAY,
      costs: 35 * DAY,
      safetyEvents: 400 * DAY,
      audit: 400 * DAY,
      jobEvents: 86_400 * SECOND,
    });
    expect(config.retention).toEqual({
      sweepIntervalMs: 60_000,
      batchSize: 1000,
      worldIdleDays: 7,
    });
  });

  it('follows the environment, the event logs the shorter of completed and failed', () => {
    const config = loadConfig({
      env: {
        TTA_TASKS_KEEP_COMPLETED_SECONDS: '600',
        TTA_TASKS_KEEP_FAILED_SECONDS: '60',
        TTA_RETENTION_WORLD_IDLE_DAYS: '2',
        TTA_SAFETY_EVENTS_RETENTION_DAYS: '30',
        TTA_RETENTION_SWEEP_INTERVAL_MS: '5000',
        TTA_RETENTION_BATCH_SIZE: '50',
      },
    });
    const ages = retentionAgesOf(config);
    expect(ages).toMatchObject({
      completed: 600 * SECOND,
      failed: 60 * SECOND,
      jobEvents: 60 * SECOND,
    });
    expect(ages).toMatchObject({ world: 2 * DAY, safetyEvents: 30 * DAY, audit: 30 * DAY });
    expect(config.retention).toEqual({ sweepIntervalMs: 5000, batchSize: 50, worldIdleDays: 2 });
  });

  it('refuses an age or interval that is not a positive integer, naming the key', () => {
    expect(() => loadConfig({ env: { TTA_RETENTION_WORLD_IDLE_DAYS: '0' } })).toThrow(
      /retention\.worldIdleDays/,
    );
    expect(() => loadConfig({ env: { TTA_RETENTION_SWEEP_INTERVAL_MS: 'soon' } })).toThrow(
      ConfigError,
    );
  });
});

describe('resolveRetentionSweeperOptions', () => {
  const logger = createLogger({ transports: [new winston.transports.Console({ silent: true })] });
  const base = {
    connection: {} as RedisClient,
    shards: new QueueShards('{tta}'),
    ages: retentionAgesOf(loadConfig({ env: {} })),
    queues: () => [],
    logger,
  };

  it('fills the interval and batch size', () => {
    expect(resolveRetentionSweeperOptions(base)).toMatchObject({
      intervalMs: 60_000,
      batchSize: 1000,
    });
  });

  it('throws at once on an age, interval or batch size that is not a positive integer', () => {
    expect(() => resolveRetentionSweeperOptions({ ...base, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => resolveRetentionSweeperOptions({ ...base, intervalMs: 1.5 })).toThrow(
      /intervalMs/,
    );
    expect(() =>
      resolveRetentionSweeperOptions({ ...base, ages: { ...base.ages, world: -1 } }),
    ).toThrow(/ages\.world/);
  });
});
