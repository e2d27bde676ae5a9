import { randomBytes } from 'node:crypto';
import {
  NotFoundError,
  ReviewConflictError,
  type RedisClient,
  type SafetyEventStore,
  type SafetyMetrics,
} from '@tta/core';
import express, { Router, type Request, type Response } from 'express';
import type { PageNotice } from './admin-layout';
import { SAFETY_PAGE_PATH, SAFETY_STREAM_PATH } from './admin-paths';
import { readSafetyOverview, summarizeOverview } from './safety-overview';
import {
  renderSafetyPage,
  renderSafetyRows,
  SAFETY_ROWS_PATH,
  type SafetyReviewAction,
} from './safety-page';
import { callerOf } from '../access/api-caller';
import { withRedis } from '../http/with-redis';
import { safetyEventStream, type SafetyEventStreamOptions } from '../routes/safety-event-stream';
import { safetyReviewBodySchema } from '@tta/contracts';

/** Options of {@link adminSafetyRoutes}. */
export interface AdminSafetyRoutesOptions extends SafetyEventStreamOptions {
  /** The safety events and their review. */
  safetyEvents: SafetyEventStore;
  /** Where the time to acknowledge goes. */
  safetyMetrics: SafetyMetrics;
  /** The producer connection the page reads and reviews through. */
  redis: RedisClient;
}

const ACTIONS: ReadonlyArray<{ path: SafetyReviewAction; verb: 'acknowledge' | 'resolve' }> = [
  { path: 'ack', verb: 'acknowledge' },
  { path: 'resolve', verb: 'resolve' },
];

/**
 * The safety review page. `GET /admin/safety`: the open and acknowledged events (HTML, one
 * inline script allowed by a per-response CSP nonce). `GET /admin/safety/rows`: the same rows
 * as JSON for the page's script. `GET /admin/safety/stream`: the live feed the script follows.
 * `POST /admin/safety/events/:id/ack` and `/resolve` (form fields `reviewer`, `note`): the
 * review, then 303 back to the page; the page again with 400 (bad form), 404 (unknown event) or
 * 409 (the event's status does not allow it). Mount behind the admin and same-origin guards.
 */
export function adminSafetyRoutes(options: AdminSafetyRoutesOptions): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: 8192, parameterLimit: 10 });
  router.get(SAFETY_PAGE_PATH, async (req, res) => {
    await sendPage(options, req, res, 200, noticeOf(req));
  });
  router.get(SAFETY_ROWS_PATH, async (req, res) => {
    const overview = await withRedis(options.redis, () => readSafetyOverview(options.safetyEvents));
    const rows = renderSafetyRows({ ...overview, reviewer: reviewerOf(req) });
    res.set('Cache-Control', 'no-store');
    res.json({
      rows: rows.toString(),
      summary: summarizeOverview(overview),
      count: overview.events.length,
    });
  });
  router.get(SAFETY_STREAM_PATH, safetyEventStream(options));
  for (const { path, verb } of ACTIONS) {
    router.post(`${SAFETY_PAGE_PATH}/events/:id/${path}`, form, async (req, res) => {
      await review(options, verb, req, res);
    });
  }
  return router;
}

async function review(
  options: AdminSafetyRoutesOptions,
  verb: 'acknowledge' | 'resolve',
  req: Request,
  res: Response,
): Promise<void> {
  const id = String(req.params.id);
  const body = safetyReviewBodySchema.safeParse(req.body ?? {});
  if (!body.success) {
    const text =
      'Not saved: give a reviewer name (1 to 100 characters) and a note of at most 2,000.';
    await sendPage(options, req, res, 400, { kind: 'error', text });
    return;
  }
  try {
    const { reviewer, note = '' } = body.data;
    const { event, previous } = await withRedis(options.redis, () =>
      options.safetyEvents[verb](id, reviewer, note),
    );
    if (previous === 'open') {
      options.safetyMetrics.acknowledged(event.type, (Date.now() - event.createdAt) / 1000);
    }
  } catch (err) {
    const refusal = refusalOf(err, id, verb);
    if (!refusal) throw err;
    await sendPage(options, req, res, refusal.status, { kind: 'error', text: refusal.text });
    return;
  }
  const done = verb === 'acknowledge' ? 'acknowledged' : 'resolved';
  res.redirect(303, `${SAFETY_PAGE_PATH}?${done}=${encodeURIComponent(id)}`);
}

// A review the event's state refused, as a status and a message for the reviewer.
function refusalOf(
  err: unknown,
  id: string,
  verb: string,
): { status: number; text: string } | undefined {
  if (err instanceof ReviewConflictError) {
    const { status } = (err.details ?? {}) as { status?: string };
    return {
      status: 409,
      text: `Could not ${verb} ${id}: it is already ${status ?? 'reviewed'} (someone else reviewed it first). The list below is current.`,
    };
  }
  if (err instanceof NotFoundError) {
    return { status: 404, text: `Could not ${verb} ${id}: there is no such safety event.` };
  }
  return undefined;
}

async function sendPage(
  options: AdminSafetyRoutesOptions,
  req: Request,
  res: Response,
  status: number,
  notice: PageNotice | undefined,
): Promise<void> {
  const overview = await withRedis(options.redis, () => readSafetyOverview(options.safetyEvents));
  const nonce = randomBytes(16).toString('base64');
  const page = renderSafetyPage({
    ...overview,
    reviewer: reviewerOf(req),
    nonce,
    ...(notice && { notice }),
  });
  res.status(status).set({
    'Cache-Control': 'no-store',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "style-src 'unsafe-inline'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  });
  res.type('html').send(page);
}

// The name a review form starts with: the id of the caller's key (or of its session's key).
function reviewerOf(req: Request): string {
  return callerOf(req)?.keyId ?? '';
}

// The outcome of a review, carried over the redirect in the query.
function noticeOf(req: Request): PageNotice | undefined {
  const { acknowledged, resolved } = req.query;
  if (typeof acknowledged === 'string') {
    return { kind: 'info', text: `Acknowledged ${acknowledged}.` };
  }
  if (typeof resolved === 'string') {
    return { kind: 'info', text: `Resolved ${resolved}: it leaves the list.` };
  }
  return undefined;
}
