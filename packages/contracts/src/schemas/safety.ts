import { z } from 'zod';
import { CSSRS_LEVELS } from '../capabilities';

/** Types of safety events: a crisis, a screen that could not run, a concern. */
export const SAFETY_EVENT_TYPES = ['crisis', 'screen_unavailable', 'concern'] as const;

/** A type of {@link SAFETY_EVENT_TYPES}. */
export type SafetyEventType = (typeof SAFETY_EVENT_TYPES)[number];

/** Where a safety event is in its review. */
export const SAFETY_EVENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** A status of {@link SAFETY_EVENT_STATUSES}. */
export type SafetyEventStatus = (typeof SAFETY_EVENT_STATUSES)[number];

/** An entry id of the audit trail (a Redis stream id). */
export const AUDIT_ENTRY_ID = /^[0-9]{1,16}-[0-9]{1,10}$/;

const CURSOR = /^[0-9]:[0-9]{15}:sev_[0-9a-f]{24}$/;

/** The query of `GET /v1/safety/events`. */
export const safetyEventQuerySchema = z
  .object({
    status: z.enum(SAFETY_EVENT_STATUSES).optional(),
    level: z.enum(['crisis', 'concern', 'unknown']).optional(),
    sessionId: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().regex(CURSOR, 'must be the nextCursor of a previous page').optional(),
  })
  .strict();

/** Filters and paging of `GET /v1/safety/events`. */
export type SafetyEventQuery = z.input<typeof safetyEventQuerySchema>;

/** The body of an acknowledgement or resolution. */
export const safetyReviewBodySchema = z
  .object({
    reviewer: z.string().trim().min(1).max(100),
    note: z.string().max(2000).optional(),
  })
  .strict();

/** The body of an acknowledgement or resolution. */
export type SafetyReview = z.input<typeof safetyReviewBodySchema>;

/** The query of `GET /v1/safety/audit`. */
export const safetyAuditQuerySchema = z
  .object({
    since: z.coerce.number().int().min(0).optional(),
    after: z.string().regex(AUDIT_ENTRY_ID, 'must be an audit entry id').optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

/** A note of a review. */
export const safetyNoteSchema = z.object({
  by: z.string(),
  action: z.enum(['acknowledged', 'resolved']),
  note: z.string(),
  at: z.number().int(),
});

/** A safety event as the review API answers it: never the player's words. */
export const safetyEventSchema = z.object({
  id: z.string(),
  type: z.enum(SAFETY_EVENT_TYPES),
  status: z.enum(SAFETY_EVENT_STATUSES),
  severity: z.number().int().describe('3 crisis, 2 screen_unavailable, 1 concern'),
  runId: z.string(),
  workflow: z.string(),
  sessionId: z.string().optional(),
  level: z.string().describe('crisis, concern, or unknown when the screen was unavailable'),
  categories: z.array(z.string()),
  cssrs: z.enum(CSSRS_LEVELS).optional(),
  layers: z.array(z.string()).describe('the screen layers that fired'),
  screenVersion: z.string().optional(),
  sessionReasons: z.array(z.string()).describe('why the session raised the level'),
  shown: z.enum(['crisis_response', 'check_in']).describe('what the player was shown'),
  inputHash: z.string().optional().describe("keyed HMAC-SHA256 of the player's words"),
  reason: z.string().optional().describe('why the screen was unavailable'),
  at: z.number().int(),
  createdAt: z.number().int(),
  acknowledgedAt: z.number().int().optional(),
  acknowledgedBy: z.string().optional(),
  resolvedAt: z.number().int().optional(),
  resolvedBy: z.string().optional(),
  notes: z.array(safetyNoteSchema),
  notifications: z.number().int(),
  notifiedAt: z.number().int().optional(),
});

/** One page of the review queue. */
export const safetyEventPageSchema = z.object({
  events: z.array(safetyEventSchema),
  nextCursor: z.string().optional(),
});

/** A safety event as the review API answers it. */
export type SafetyEventView = z.output<typeof safetyEventSchema>;

/** One page of the review queue. */
export type SafetyEventPage = z.output<typeof safetyEventPageSchema>;

/** One entry of the append-only audit trail (a line of `GET /v1/safety/audit`). */
export const safetyAuditEntrySchema = z.object({
  id: z.string().describe('audit stream id, e.g. `1733548800000-0`: increasing'),
  action: z.enum(['event', 'acknowledged', 'resolved', 'notified']),
  eventId: z.string(),
  at: z.number().int(),
  event: safetyEventSchema.optional().describe('the event as recorded, for `event`'),
  by: z.string().optional().describe('the reviewer, for `acknowledged` and `resolved`'),
  note: z.string().optional(),
});

/** One entry of the audit trail: a recorded event, or an action on one. */
export type SafetyAuditEntryView = z.output<typeof safetyAuditEntrySchema>;
