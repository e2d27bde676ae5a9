import type { CssrsLevel, SafetyEventStatus, SafetyEventType } from '@tta/contracts';

/** What the player was shown on the event's turn. */
export type SafetyResponseShown = 'crisis_response' | 'check_in';

/** Severity of each type: the review queue lists the highest first, then the oldest. */
export const SAFETY_EVENT_SEVERITY: Readonly<Record<SafetyEventType, number>> = {
  crisis: 3,
  screen_unavailable: 2,
  concern: 1,
};

/** What a turn's safety gate reports for an event; the store adds the id, status and review. */
export interface NewSafetyEvent {
  type: SafetyEventType;
  /** The workflow run of the turn. */
  runId: string;
  /** Its workflow. */
  workflow: string;
  /** Its player session. */
  sessionId?: string;
  /** The owner of the run (see `OwnerScope`): other owners' keys do not see the event. */
  owner?: string;
  /** The turn's level after the session's risk (`crisis`, `concern`), or `unknown` when the screen failed. */
  level: string;
  /** The screen's categories. */
  categories: string[];
  /** The C-SSRS level the screen recognised. */
  cssrs?: CssrsLevel;
  /** The screen's layers that fired. */
  layers: string[];
  /** The screen's version. */
  screenVersion?: string;
  /** Why the session's risk raised the level (`score`, `markers:means+time`). */
  sessionReasons: string[];
  /** What the player was shown. */
  shown: SafetyResponseShown;
  /** Keyed HMAC-SHA256 of the player's words (never the words). */
  inputHash?: string;
  /** Why the screen was unavailable, for `screen_unavailable`. */
  reason?: string;
  /** Epoch ms of the turn's screen. */
  at: number;
}

/** A safety event as the review API reports it. Never the player's words. */
export interface SafetyEvent extends NewSafetyEvent {
  /** `sev_<hex>`: derived from the run and type, so a run writes each event once. */
  id: string;
  status: SafetyEventStatus;
  severity: number;
  /** Epoch ms when it was recorded. */
  createdAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  /** The reviewers' notes, in order. */
  notes: SafetyReviewNote[];
  /** How many times reviewers were notified (webhooks, re-notifications). */
  notifications: number;
  /** Epoch ms of the last notification. */
  notifiedAt?: number;
}

/** A reviewer's note on an event. */
export interface SafetyReviewNote {
  by: string;
  action: 'acknowledged' | 'resolved';
  note: string;
  at: number;
}

/** One entry of the append-only audit trail: an event, or an action on one. */
export interface SafetyAuditEntry {
  /** The stream id, e.g. `1733548800000-0`. */
  id: string;
  /** `event` (recorded), `acknowledged`, `resolved` or `notified`. */
  action: 'event' | 'acknowledged' | 'resolved' | 'notified';
  eventId: string;
  at: number;
  /** The event as recorded, for `event`. */
  event?: SafetyEvent;
  /** The reviewer, for `acknowledged` and `resolved`. */
  by?: string;
  note?: string;
}
