import {
  parseOrThrow,
  SAFETY_EVENT_STATUSES,
  type RedisClient,
  type SafetyEventStore,
  type SafetyMetrics,
} from '@tta/core';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { withRedis } from '../with-redis';
import {
  AUDIT_ENTRY_ID,
  safetyEventStream,
  type SafetyEventStreamOptions,
} from './safety-event-stream';

/** Options of {@link safetyEventRoutes}. */
export interface SafetyEventRoutesOptions extends SafetyEventStreamOptions {
  /** The safety events and their review. */
  safetyEvents: SafetyEventStore;
  /** Where the time to acknowledge goes. */
  safetyMetrics: SafetyMetrics;
}

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

/** The body of an acknowledgement or resolution. */
export const safetyReviewBodySchema = z
  .object({
    reviewer: z.string().trim().min(1).max(100),
    note: z.string().max(2000).optional(),
  })
  .strict();

/** The query of `GET /v1/safety/audit`. */
export const safetyAuditQuerySchema = z
  .object({
    since: z.coerce.number().int().min(0).optional(),
    after: z.string().regex(AUDIT_ENTRY_ID, 'must be an audit entry id').optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

/**
 * The review queue of safety events (scope `safety:review`): `GET /v1/safety/events` (most
 * severe first, then oldest; filters and cursor paging), `GET /v1/safety/events/stream`
 * (server-sent `safety` events, resumable with `Last-Event-ID`), `GET /v1/safety/events/:id`,
 * `POST /v1/safety/events/:id/ack` and `/resolve` (`{ reviewer, note? }`; 409 on a wrong
 * transition) and `GET /v1/safety/audit` (the audit trail as JSON lines).
 */
export function safetyEventRoutes(options: SafetyEventRoutesOptions): Router {
  const { safetyEvents: store, redis } = options;
  const router = Router();
  router.get('/v1/safety/events', async (req, res) => {
    const query = parseOrThrow(safetyEventQuerySchema, req.query, 'query');
    res.json(await withRedis(redis, () => store.list(query)));
  });
  router.get('/v1/safety/events/stream', safetyEventStream(options));
  router.get('/v1/safety/audit', async (req, res) => {
    const query = parseOrThrow(safetyAuditQuerySchema, req.query, 'query');
    await exportAudit(store, redis, query, res);
  });
  router.get('/v1/safety/events/:id', async (req, res) => {
    res.json(await withRedis(redis, () => store.get(req.params.id)));
  });
  for (const [path, action] of [
    ['ack', 'acknowledge'],
    ['resolve', 'resolve'],
  ] as const) {
    router.post(`/v1/safety/events/:id/${path}`, async (req, res) => {
      const body = parseOrThrow(safetyReviewBodySchema, req.body ?? {}, 'body');
      const { event, previous } = await withRedis(redis, () =>
        store[action](req.params.id, body.reviewer, body.note ?? ''),
      );
      if (previous === 'open') {
        options.safetyMetrics.acknowledged(event.type, (Date.now() - event.createdAt) / 1000);
      }
      res.json(event);
    });
  }
  return router;
}

async function exportAudit(
  store: SafetyEventStore,
  redis: RedisClient,
  query: z.infer<typeof safetyAuditQuerySchema>,
  res: Response,
): Promise<void> {
  const first = await withRedis(redis, () =>
    store.audit({ ...query, count: Math.min(500, query.limit ?? 500) }),
  );
  res.status(200).type('application/x-ndjson');
  let page = first;
  let sent = 0;
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  while (page.length > 0 && sent < limit && !res.destroyed) {
    const lines = page.slice(0, limit - sent).map((entry) => `${JSON.stringify(entry)}\n`);
    sent += lines.length;
    if (!res.write(lines.join(''))) await new Promise((resolve) => res.once('drain', resolve));
    const last = page[page.length - 1]?.id;
    if (page.length < 500 || last === undefined) break;
    page = await store.audit({ after: last, count: 500 });
  }
  res.end();
}
