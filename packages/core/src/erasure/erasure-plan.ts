import type { SessionErasureReceipt } from '@tta/contracts';

/** The counts of a receipt: what an erasure removed, by kind. */
export type ErasedCounts = SessionErasureReceipt['removed'];

/** A receipt's counts, all zero. */
export function noneErased(): ErasedCounts {
  return {
    tasks: 0,
    runs: 0,
    deadLetters: 0,
    tombstones: 0,
    sessionKeys: 0,
    streamEntries: 0,
    costFields: 0,
    taskCosts: 0,
    llmCalls: 0,
    idempotencyRecords: 0,
    safetyEventsAnonymised: 0,
    auditEntries: 0,
  };
}

/** What an erasure needs to know of one job of the session. */
export interface SessionJobFacts {
  /** The job's id (a task's, a run's, or a dead letter's: the task's). */
  id: string;
  /** The task's owner, when it has one. */
  owner?: string;
  /** The capability (or workflow) its idempotency record is kept under. */
  capability?: string;
  /** Its idempotency key, when it was enqueued with one. */
  idempotencyKey?: string;
}

interface StoredJobData {
  sessionId?: unknown;
  owner?: unknown;
  capability?: unknown;
  idempotencyKey?: unknown;
  /** A dead letter's task. */
  task?: StoredJobData;
}

/**
 * The facts of a job whose stored `data` (BullMQ's JSON) names `sessionId`, as a task, a run or
 * a dead letter (whose task does); `undefined` for a job of another session, or none.
 */
export function sessionJobFacts(
  id: string,
  rawData: string | null | undefined,
  sessionId: string,
): SessionJobFacts | undefined {
  // Cheap refusal first: most jobs of a queue belong to other sessions.
  if (!rawData || !rawData.includes(JSON.stringify(sessionId))) return undefined;
  let data: StoredJobData;
  try {
    data = JSON.parse(rawData) as StoredJobData;
  } catch {
    return undefined;
  }
  const own = data.sessionId === sessionId ? data : data.task;
  if (!own || own.sessionId !== sessionId) return undefined;
  const facts: SessionJobFacts = { id };
  if (typeof own.owner === 'string') facts.owner = own.owner;
  if (typeof own.capability === 'string') facts.capability = own.capability;
  if (typeof own.idempotencyKey === 'string') facts.idempotencyKey = own.idempotencyKey;
  return facts;
}

/**
 * The hours (since the epoch) of the cost buckets that may hold calls made until `nowMs`,
 * going back `retentionMs` and one hour more, newest first.
 */
export function costBucketHours(nowMs: number, retentionMs: number, hourMs: number): number[] {
  const last = Math.floor(nowMs / hourMs);
  const first = Math.floor((nowMs - retentionMs) / hourMs) - 1;
  const hours: number[] = [];
  for (let hour = last; hour >= Math.max(0, first); hour -= 1) hours.push(hour);
  return hours;
}

/** Whether an entry of the safety audit stream (its flat field list) names the session. */
export function auditEntryNamesSession(fields: readonly string[], sessionId: string): boolean {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1] ?? '';
    if (name === 'sessionId' && value === sessionId) return true;
    if (name === 'event' && value.includes(JSON.stringify(sessionId))) return true;
  }
  return false;
}

/**
 * A safety event (its stored JSON) with what links it to the session taken out: the session
 * id, the run id and the keyed hash of the player's words; its level, categories, layers,
 * times and review stay, so that counts of events stay right. `undefined` when the event is
 * not the session's.
 */
export function anonymisedSafetyEvent(eventJson: string, sessionId: string): string | undefined {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(eventJson) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (event.sessionId !== sessionId) return undefined;
  const { sessionId: _session, inputHash: _hash, ...rest } = event;
  return JSON.stringify({ ...rest, runId: 'erased' });
}
