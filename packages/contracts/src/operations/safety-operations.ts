import type { ApiOperation } from '../operation';
import {
  safetyAuditQuerySchema,
  safetyEventPageSchema,
  safetyEventQuerySchema,
  safetyEventSchema,
  safetyReviewBodySchema,
} from '../schemas/safety';

const EVENT_ID = 'the safety event id (`sev_` and 24 hex digits)';

const safetyReview = { name: 'SafetyReview', schema: safetyReviewBodySchema };

const reviewed = {
  status: 200,
  description: 'the event as it now reads',
  body: { name: 'SafetyEvent', schema: safetyEventSchema },
};

/** The review queue of safety events. */
export const SAFETY_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/safety/events',
    scope: 'safety:review',
    operationId: 'listSafetyEvents',
    tag: 'safety',
    summary: 'The review queue: safety events, most severe first, then oldest',
    query: safetyEventQuerySchema,
    response: {
      status: 200,
      description: 'one page; pass nextCursor as cursor for the next',
      body: { name: 'SafetyEventPage', schema: safetyEventPageSchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/safety/events/stream',
    scope: 'safety:review',
    operationId: 'streamSafetyEvents',
    tag: 'safety',
    summary: 'Follow safety events and their review as server-sent events',
    description:
      'Each `safety` event carries `{ entry, event }`: the audit entry (`action`: event, acknowledged, resolved or notified) and the event as it then reads. Its `id:` is the audit entry id; reconnecting with `Last-Event-ID` resumes without gaps or repeats. One `ready` event (no id) says the feed is subscribed: nothing added after it is missed.',
    headers: { 'Last-Event-ID': 'the id of the last event received, to resume after it' },
    response: { status: 200, description: 'the event stream', contentType: 'text/event-stream' },
  },
  {
    method: 'GET',
    path: '/v1/safety/events/:id',
    scope: 'safety:review',
    operationId: 'getSafetyEvent',
    tag: 'safety',
    summary: 'One safety event',
    pathParams: { id: EVENT_ID },
    response: {
      status: 200,
      description: 'the event',
      body: { name: 'SafetyEvent', schema: safetyEventSchema },
    },
    errors: [404],
  },
  {
    method: 'POST',
    path: '/v1/safety/events/:id/ack',
    scope: 'safety:review',
    operationId: 'acknowledgeSafetyEvent',
    tag: 'safety',
    summary: 'Acknowledge an open safety event (409 unless it is open)',
    pathParams: { id: EVENT_ID },
    body: safetyReview,
    response: reviewed,
    errors: [400, 404, 409],
  },
  {
    method: 'POST',
    path: '/v1/safety/events/:id/resolve',
    scope: 'safety:review',
    operationId: 'resolveSafetyEvent',
    tag: 'safety',
    summary: 'Resolve a safety event (409 when it is already resolved)',
    pathParams: { id: EVENT_ID },
    body: safetyReview,
    response: reviewed,
    errors: [400, 404, 409],
  },
  {
    method: 'GET',
    path: '/v1/safety/audit',
    scope: 'safety:review',
    operationId: 'exportSafetyAudit',
    tag: 'safety',
    summary: 'The append-only audit trail of safety events and reviews, as JSON lines',
    description:
      'Oldest first, one JSON object per line: `{ id, action, eventId, at, event?, by?, note? }`. `since` (epoch ms) or `after` (an entry id) start it; `limit` caps it.',
    query: safetyAuditQuerySchema,
    response: {
      status: 200,
      description: 'JSON lines',
      contentType: 'application/x-ndjson',
    },
  },
] as const satisfies readonly ApiOperation[];
