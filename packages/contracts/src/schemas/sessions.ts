import { z } from 'zod';

const count = z.number().int().nonnegative();

/**
 * What erasing a player session removed, counted (never what it held): `DELETE
 * /v1/sessions/:id`. Erasing again answers zeros.
 */
export const sessionErasureReceiptSchema = z.object({
  sessionId: z.string(),
  /** When the erasure ended (ISO time). */
  erasedAt: z.string(),
  removed: z.object({
    /** Jobs of its tasks (workflow steps included), in any state of any task queue. */
    tasks: count,
    /** Jobs of its workflow runs. */
    runs: count,
    /** Its entries of the dead-letter queue. */
    deadLetters: count,
    /** Cancel tombstones of its tasks and runs (they keep a cancelled task's input). */
    tombstones: count,
    /** Its world state, turn history, order, owner, safety state and cost total keys. */
    sessionKeys: count,
    /** Entries of the queues' event logs that named its jobs (results, progress, failures). */
    streamEntries: count,
    /** Per-session fields of the hourly cost buckets, folded into their anonymous field. */
    costFields: count,
    /** Running cost totals of its tasks. */
    taskCosts: count,
    /** Model calls its tasks completed, kept (with their responses) for a later run of each task. */
    llmCalls: count,
    /** Idempotency records standing for its tasks. */
    idempotencyRecords: count,
    /** Its safety events, kept for counts with the session and run ids taken out. */
    safetyEventsAnonymised: count,
    /** Entries of the safety audit trail that named the session. */
    auditEntries: count,
  }),
});

/** The receipt of an erasure; see {@link sessionErasureReceiptSchema}. */
export type SessionErasureReceipt = z.infer<typeof sessionErasureReceiptSchema>;
