import type { SafetyEvent } from '@tta/core';
import { ADMIN_STYLE, adminNav, pageNotice, type PageNotice } from './admin-layout';
import { SAFETY_PAGE_PATH, SAFETY_STREAM_PATH } from './admin-paths';
import { formatAge } from './agents-page';
import { html, inlineScript, type SafeHtml } from './html';
import { SAFETY_PAGE_SCRIPT } from './safety-page-script';
import { orderForReview, summarizeOverview, type SafetyOverview } from './safety-overview';

/** The route the page's script reads its rows from (JSON). */
export const SAFETY_ROWS_PATH = `${SAFETY_PAGE_PATH}/rows`;

/** A review action of the page's forms: `ack` acknowledges, `resolve` resolves. */
export type SafetyReviewAction = 'ack' | 'resolve';

/** The form action that applies `action` to the event `eventId`. */
export function reviewActionPath(eventId: string, action: SafetyReviewAction): string {
  return `${SAFETY_PAGE_PATH}/events/${encodeURIComponent(eventId)}/${action}`;
}

/** What {@link renderSafetyRows} renders. */
export interface SafetyRowsView {
  /** The events, in any order: they are listed most severe first, then oldest. */
  events: readonly SafetyEvent[];
  /** Epoch ms the ages are counted to. */
  readAt: number;
  /** The reviewer name each form starts with (the caller's key id). */
  reviewer: string;
}

/** What {@link renderSafetyPage} renders. */
export interface SafetyPageView extends SafetyOverview {
  /** The reviewer name each form starts with (the caller's key id). */
  reviewer: string;
  /** The nonce of the page's Content-Security-Policy, which lets its one script run. */
  nonce: string;
  /** The outcome of the last action, if any. */
  notice?: PageNotice;
}

const SAFETY_STYLE = `
.type{padding:.1rem .45rem;border-radius:.6rem;font-size:.85em}
.type-crisis{background:#ffebe9;font-weight:600}
.type-screen_unavailable{background:#fff1e5}
.type-concern{background:#fff8c5}
.status-open{background:#ffebe9}.status-acknowledged{background:#ddf4ff}
td.id{font-family:ui-monospace,monospace;font-size:.85em}
td.actions form{display:flex;gap:.35rem}
td.actions input{font:inherit;padding:.1rem .3rem}
`;

/**
 * The safety page: the open and acknowledged safety events, most severe first (crisis,
 * screen_unavailable, concern), then oldest, with type, level, categories, C-SSRS level,
 * session, run, age, status and notifications, and a form each to acknowledge or resolve it
 * (reviewer name, optional note). Its script keeps the list live (see
 * {@link SAFETY_PAGE_SCRIPT}). A pure function: every value is escaped. Events hold no player
 * text, and the page shows none.
 */
export function renderSafetyPage(view: SafetyPageView): string {
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Safety · TTA</title>
        <style>
          ${ADMIN_STYLE}
          ${SAFETY_STYLE}
        </style>
      </head>
      <body>
        <header>
          <h1>Safety</h1>
          ${adminNav('safety')}
        </header>
        ${pageNotice(view.notice)}
        <p class="muted">
          <span id="safety-summary">${summarizeOverview(view)}</span> ·
          <span id="live-state" role="status">live updates: connecting</span>
        </p>
        <p class="muted">
          Most severe first (crisis, screen unavailable, concern), then oldest. Resolved events
          leave the list.
        </p>
        <table
          id="safety-events"
          data-rows="${SAFETY_ROWS_PATH}"
          data-stream="${SAFETY_STREAM_PATH}"
        >
          <thead>
            <tr>
              <th>Type</th>
              <th>Level</th>
              <th>Categories</th>
              <th>C-SSRS</th>
              <th>Session</th>
              <th>Run</th>
              <th>Age</th>
              <th>Status</th>
              <th>Notifications</th>
              <th>Review</th>
            </tr>
          </thead>
          <tbody id="safety-events-body">
            ${renderSafetyRows(view)}
          </tbody>
        </table>
        <p id="safety-empty" class="muted" ${view.events.length > 0 && html`hidden`}>
          No open or acknowledged safety events.
        </p>
        ${inlineScript(SAFETY_PAGE_SCRIPT, view.nonce)}
      </body>
    </html> `;
  return page.toString();
}

/** The table rows of the events (the page's, and what its script fetches), in review order. */
export function renderSafetyRows(view: SafetyRowsView): SafeHtml {
  return html`${orderForReview(view.events).map((event) => eventRow(event, view))}`;
}

function eventRow(event: SafetyEvent, view: SafetyRowsView): SafeHtml {
  return html`<tr data-event-id="${event.id}" data-status="${event.status}">
    <td><span class="type type-${event.type}">${event.type}</span></td>
    <td>${event.level}</td>
    <td class="wrap">${event.categories.join(', ') || '–'}</td>
    <td>${event.cssrs ?? '–'}</td>
    <td>${event.sessionId ?? '–'}</td>
    <td class="id">${event.runId}</td>
    <td title="${new Date(event.createdAt).toISOString()}">
      ${formatAge(view.readAt - event.createdAt)}
    </td>
    <td>${statusCell(event, view.readAt)}</td>
    <td>${event.notifications}</td>
    <td class="actions">${reviewForm(event, view.reviewer)}</td>
  </tr> `;
}

function statusCell(event: SafetyEvent, now: number): SafeHtml {
  const badge = html`<span class="status status-${event.status}">${event.status}</span>`;
  if (event.status !== 'acknowledged' || event.acknowledgedAt === undefined) return badge;
  return html`${badge}
    <div class="muted">
      by ${event.acknowledgedBy ?? '?'}, ${formatAge(now - event.acknowledgedAt)} ago
    </div>`;
}

function reviewForm(event: SafetyEvent, reviewer: string): SafeHtml {
  const acknowledged = event.status !== 'open';
  return html`<form method="post" action="${reviewActionPath(event.id, 'ack')}">
    <input
      name="reviewer"
      value="${reviewer}"
      required
      maxlength="100"
      size="12"
      aria-label="Reviewer"
    />
    <input name="note" maxlength="2000" size="16" placeholder="Note (optional)" aria-label="Note" />
    <button type="submit" ${acknowledged && html`disabled`}>Acknowledge</button>
    <button type="submit" formaction="${reviewActionPath(event.id, 'resolve')}">Resolve</button>
  </form>`;
}
