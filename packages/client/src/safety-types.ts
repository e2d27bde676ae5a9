/** Kinds of safety event: a turn ended on a crisis, continued with a check-in, or its screen failed. */
export type SafetyEventType = 'crisis' | 'screen_unavailable' | 'concern';

/** Where an event is in its review: `open`, then `acknowledged` by a reviewer, then `resolved`. */
export type SafetyEventStatus = 'open' | 'acknowledged' | 'resolved';

/** The level of a turn: `crisis`, `concern`, or `unknown` when its screen was unavailable. */
export type SafetyLevel = 'crisis' | 'concern' | 'unknown';

/** A reviewer's note on a safety event. */
export interface SafetyReviewNote {
  /** The reviewer. */
  by: string;
  /** The review action the note came with. */
  action: 'acknowledged' | 'resolved';
  /** The note's text (empty when the reviewer gave none). */
  note: string;
  /** Epoch ms of the action. */
  at: number;
}

/** A safety event of the review queue (`GET /v1/safety/events/:id`). Never the player's words. */
export interface SafetyEvent {
  /** `sev_` and 24 hex digits. */
  id: string;
  /** Its kind. */
  type: SafetyEventType;
  /** Where it is in its review. */
  status: SafetyEventStatus;
  /** 3 crisis, 2 screen_unavailable, 1 concern: the queue lists the highest first. */
  severity: number;
  /** The workflow run of the turn. */
  runId: string;
  /** Its workflow. */
  workflow: string;
  /** Its player session. */
  sessionId?: string;
  /** The turn's level after the session's risk (a {@link SafetyLevel}). */
  level: string;
  /** The screen's categories, e.g. `suicidal_ideation`. */
  categories: string[];
  /** The C-SSRS level the screen recognised. */
  cssrs?: string;
  /** The screen layers that fired. */
  layers: string[];
  /** The screen's version. */
  screenVersion?: string;
  /** Why the session's risk raised the level. */
  sessionReasons: string[];
  /** What the player was shown. */
  shown: 'crisis_response' | 'check_in';
  /** Keyed HMAC-SHA256 of the player's words. */
  inputHash?: string;
  /** Why the screen was unavailable, for `screen_unavailable`. */
  reason?: string;
  /** Epoch ms of the turn's screen. */
  at: number;
  /** Epoch ms when it was recorded. */
  createdAt: number;
  /** Epoch ms of its acknowledgement. */
  acknowledgedAt?: number;
  /** Who acknowledged it. */
  acknowledgedBy?: string;
  /** Epoch ms of its resolution. */
  resolvedAt?: number;
  /** Who resolved it. */
  resolvedBy?: string;
  /** The reviewers' notes, in order. */
  notes: SafetyReviewNote[];
  /** How many times reviewers were notified of it. */
  notifications: number;
  /** Epoch ms of the last notification. */
  notifiedAt?: number;
}

/** Which safety events `TtaClient.safetyEvents` lists. */
export interface SafetyEventListOptions {
  /** Only events in this status. Default: any. */
  status?: SafetyEventStatus;
  /** Only events of this level. Default: any. */
  level?: SafetyLevel;
  /** Only the events of this player session. */
  sessionId?: string;
  /** Events per page, 1 to 500. Default: 50. */
  limit?: number;
  /** Where to go on: the `nextCursor` of the previous page. */
  cursor?: string;
}

/** One page of the review queue, most severe first, then oldest. */
export interface SafetyEventPage {
  /** The events of the page. */
  events: SafetyEvent[];
  /** Pass as `cursor` for the next page; absent on the last. */
  nextCursor?: string;
}

/** The body of an acknowledgement or a resolution. */
export interface SafetyReview {
  /** Who reviews, 1 to 100 characters. */
  reviewer: string;
  /** What they note, up to 2000 characters. Default: none. */
  note?: string;
}

/** One entry of the append-only audit trail: a recorded event, or an action on one. */
export interface SafetyAuditEntry {
  /** Its audit stream id, e.g. `1733548800000-0`: increasing, and a stream's `Last-Event-ID`. */
  id: string;
  /** `event` (recorded), `acknowledged`, `resolved` or `notified`. */
  action: 'event' | 'acknowledged' | 'resolved' | 'notified';
  /** The safety event it is about. */
  eventId: string;
  /** Epoch ms of the entry. */
  at: number;
  /** The event as recorded, for `event`. */
  event?: SafetyEvent;
  /** The reviewer, for `acknowledged` and `resolved`. */
  by?: string;
  /** The reviewer's note, when there was one. */
  note?: string;
}

/** Which part of the audit trail `TtaClient.safetyAudit` reads, oldest first. */
export interface SafetyAuditOptions {
  /** Start at this time (epoch ms, inclusive). Default: the oldest entry kept. */
  since?: number;
  /** Start after this entry id (instead of `since`). */
  after?: string;
  /** Most entries to read. Default: all of them. */
  limit?: number;
  /** Stops reading (the iteration then throws the signal's reason). */
  signal?: AbortSignal;
}
