import { readScopeOf } from '../access/api-caller';
import { SafetyOwnerFilter } from './safety-owner-filter';
import {
  parseOrThrow,
  type RedisClient,
  type SafetyEventStore,
  type SafetyMetrics,
} from '@tta/core';
import {
  safetyAuditQuerySchema,
  safetyEventQuerySchema,
  safetyReviewBodySchema,
} from '@tta/contracts';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { withRedis } from '../http/with-redis';
import type { OperationHandler, OperationHandlers } from './operation-handlers';
import { safetyEventStream, type SafetyEventStreamOptions } from './safety-event-stream';

/** Options of {@link safetyEventHandlers}. */
export interface SafetyEventRoutesOptions extends SafetyEventStreamOptions {
  /** The safety events and their review. */
  safetyEvents: SafetyEventStore;
  /** Where the time to acknowledge goes. */
  safetyMetrics: SafetyMetrics;
}

/**
 * The review queue of safety events (scope `safety:review`): `GET /v1/safety/events` (most
 * severe first, then oldest; filters and cursor paging), `GET /v1/safety/events/stream`
 * (server-sent `safety` events, resumable with `Last-Event-ID`), `GET /v1/safety/events/:id`,
 * `POST /v1/safety/events/:id/ack` and `/resolve` (`{ reviewer, note? }`; 409 on a wrong
 * transition) and `GET /v1/safety/audit` (the audit trail as JSON lines).
 */
export function safetyEventHandlers(
  options: SafetyEventRoutesOptions,
): OperationHandlers<
  | 'listSafetyEvents'
  | 'streamSafetyEvents'
  | 'getSafetyEvent'
  | 'acknowledgeSafetyEvent'
  | 'resolveSafetyEvent'
  | 'exportSafetyAudit'
> {
  const { safetyEvents: store, redis } = options;
  return {
    listSafetyEvents: async (req, res) => {
      const query = parseOrThrow(safetyEventQuerySchema, req.query, 'query');
      res.json(await withRedis(redis, () => store.list({ ...query, ...readScopeOf(req) })));
    },
    streamSafetyEvents: safetyEventStream(options),
    exportSafetyAudit: async (req, res) => {
      const query = parseOrThrow(safetyAuditQuerySchema, req.query, 'query');
      await exportAudit(store, redis, query, res, new SafetyOwnerFilter(store, readScopeOf(req)));
    },
    getSafetyEvent: async (req, res) => {
      res.json(await withRedis(redis, () => store.get(req.params.id, readScopeOf(req))));
    },
    acknowledgeSafetyEvent: review(options, 'acknowledge'),
    resolveSafetyEvent: review(options, 'resolve'),
  };
}

// An acknowledgement or a resolution: `{ reviewer, note? }`; 409 on a wrong transition.
function review(
  options: SafetyEventRoutesOptions,
  action: 'acknowledge' | 'resolve',
): OperationHandler<'acknowledgeSafetyEvent' | 'resolveSafetyEvent'> {
  const { safetyEvents: store, redis } = options;
  return async (req: Request<{ id: string }>, res) => {
    const body = parseOrThrow(safetyReviewBodySchema, req.body ?? {}, 'body');
    const { event, previous } = await withRedis(redis, async () => {
      await store.get(req.params.id, readScopeOf(req));
      return store[action](req.params.id, body.reviewer, body.note ?? '');
    });
    if (previous === 'open') {
      options.safetyMetrics.acknowledged(event.type, (Date.now() - event.createdAt) / 1000);
    }
    res.json(event);
  };
}

async function exportAudit(
  store: SafetyEventStore,
  redis: RedisClient,
  query: z.infer<typeof safetyAuditQuerySchema>,
  res: Response,
  filter: SafetyOwnerFilter,
): Promise<void> {
  const first = await withRedis(redis, () =>
    store.audit({ ...query, count: Math.min(500, query.limit ?? 500) }),
  );
  res.status(200).type('application/x-ndjson');
  let page = first;
  let sent = 0;
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  while (page.length > 0 && sent < limit && !res.destroyed) {
    const kept = [];
    for (const entry of page) if (await filter.keep(entry)) kept.push(entry);
    const lines = kept.slice(0, limit - sent).map((entry) => `${JSON.stringify(entry)}\n`);
    sent += lines.length;
    if (!res.write(lines.join(''))) await new Promise((resolve) => res.once('drain', resolve));
    const last = page[page.length - 1]?.id;
    if (page.length < 500 || last === undefined) break;
    page = await store.audit({ after: last, count: 500 });
  }
  res.end();
}
