import type { AppConfig } from '../config/load-config';

/**
 * The classes of data the retention sweep removes by age:
 * - `completed`: completed tasks and workflow runs (their jobs, inputs and results);
 * - `failed`: failed jobs left in their queue (cancelled tasks, failed stages of runs);
 * - `deadLetter`: entries of the dead-letter queue;
 * - `world`: the world state and turn history of a session idle that long;
 * - `costs`: the hourly buckets of the cost ledger;
 * - `safetyEvents`: safety events with their review and notes;
 * - `audit`: the audit trail of safety events;
 * - `jobEvents`: the event log of each queue (it carries results and failure reasons).
 */
export const RETENTION_CLASSES = [
  'completed',
  'failed',
  'deadLetter',
  'world',
  'costs',
  'safetyEvents',
  'audit',
  'jobEvents',
] as const;

/** One class of data with an age (see {@link RETENTION_CLASSES}). */
export type RetentionClass = (typeof RETENTION_CLASSES)[number];

/** How long the data of each class is kept, in ms. */
export type RetentionAges = Readonly<Record<RetentionClass, number>>;

/** The config keys {@link retentionAgesOf} reads. */
export type RetentionConfig = Pick<AppConfig, 'tasks' | 'costs' | 'safety' | 'retention'>;

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

/**
 * The age of each data class, from config: the one place that maps the keys to the classes.
 * The audit trail is kept as long as the events it records (its entries carry them); a queue's
 * event log as long as the shorter of completed and failed jobs (it carries both).
 */
export function retentionAgesOf(config: RetentionConfig): RetentionAges {
  const completed = config.tasks.keepCompletedSeconds * SECOND_MS;
  const failed = config.tasks.keepFailedSeconds * SECOND_MS;
  const safetyEvents = config.safety.events.retentionDays * DAY_MS;
  return {
    completed,
    failed,
    deadLetter: config.tasks.keepDeadLetteredSeconds * SECOND_MS,
    world: config.retention.worldIdleDays * DAY_MS,
    costs: config.costs.retentionDays * DAY_MS,
    safetyEvents,
    audit: safetyEvents,
    jobEvents: Math.min(completed, failed),
  };
}
