/**
 * Safety: the safety of turns and sessions, safety events and their review, escalation and
 * notifications.
 */
export {
  readScreenOutput,
  type RunSafety,
  SCREEN_CAPABILITY,
  SCREEN_UNAVAILABLE_OUTCOME,
  type ScreenOutput,
} from './run-safety';
export { SafetyEscalation, type SafetyEscalationOptions } from './safety-escalation';
export { type NewSafetyEvent, type SafetyAuditEntry, type SafetyEvent } from './safety-event';
export { SafetyEventFeed, type SafetyFeedItem } from './safety-event-feed';
export {
  type ReviewedEvent,
  type SafetyEventListOptions,
  type SafetyEventPage,
  SafetyEventStore,
  type SafetyEventStoreOptions,
} from './safety-event-store';
export { DELIVERY_OUTCOMES, SafetyMetrics } from './safety-metrics';
export { escalationConfigOf, SAFETY_WEBHOOK_QUEUE, SafetyNotifications } from './safety-notifier';
export { SessionSafety, type SessionTurnSafety } from './session-safety';
