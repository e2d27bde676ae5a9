import { CSSRS_LEVELS, SAFETY_EVENT_STATUSES, SAFETY_EVENT_TYPES } from '@tta/core';
import { z } from 'zod';
import {
  safetyAuditQuerySchema,
  safetyEventQuerySchema,
  safetyReviewBodySchema,
} from '../routes/safety-events';
import type { ApiOperation } from './api-operation';

const EVENT_ID = 'the safety event id (`sev_` and 24 hex digits)';

const noteSchema = z.object({
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
  notes: z.array(noteSchema),
  notifications: z.number().int(),
  notifiedAt: z.number().int().optional(),
});

const safetyEventPageSchema = z.object({
  events: z.array(safetyEventSchema),
  nextCursor: z.string().optional(),
});

/** The review queue of safety events. */
export const SAFETY_OPERATIONS: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/safety/events',
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
  ...(['ack', 'resolve'] as const).map((action): ApiOperation => ({
    method: 'POST',
    path: `/v1/safety/events/:id/${action}`,
    operationId: action === 'ack' ? 'acknowledgeSafetyEvent' : 'resolveSafetyEvent',
    tag: 'safety',
    summary:
      action === 'ack'
        ? 'Acknowledge an open safety event (409 unless it is open)'
        : 'Resolve a safety event (409 when it is already resolved)',
    pathParams: { id: EVENT_ID },
    body: { name: 'SafetyReview', schema: safetyReviewBodySchema },
    response: {
      status: 200,
      description: 'the event as it now reads',
      body: { name: 'SafetyEvent', schema: safetyEventSchema },
    },
    errors: [400, 404, 409],
  })),
  {
    method: 'GET',
    path: '/v1/safety/audit',
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
];
