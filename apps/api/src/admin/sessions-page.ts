import type { AdminSessionView } from '@tta/contracts';
import { renderAdminPage, type PageNotice } from './admin-layout';
import { SESSIONS_PAGE_PATH } from './admin-paths';
import { formatAge } from './agents-page';
import { html, type SafeHtml } from './html';

/** The form action that ends an admin session. */
export function endSessionActionPath(sessionId: string): string {
  return `${SESSIONS_PAGE_PATH}/${encodeURIComponent(sessionId)}/end`;
}

/** What {@link renderSessionsPage} renders. */
export interface SessionsPageView {
  /** The live sessions, newest first, as the viewer sees them (`own`, `current`). */
  sessions: readonly AdminSessionView[];
  /** Epoch ms of the read. */
  readAt: number;
  /** The outcome of the last action, if any. */
  notice?: PageNotice;
}

/**
 * The admin sessions page: each live session with its key, when it started and expires, the
 * client address and user agent it logged in from, and an End button; the viewer's own
 * session is marked. A pure function: every value is escaped.
 */
export function renderSessionsPage(view: SessionsPageView): string {
  return renderAdminPage({
    page: 'sessions',
    title: 'Admin sessions',
    ...(view.notice && { notice: view.notice }),
    body: html`<p class="muted">
        ${view.sessions.length} live · read at ${new Date(view.readAt).toISOString()} · an ended
        session's cookie is refused from its next request on
      </p>
      ${sessionsTable(view.sessions, view.readAt)}`,
  });
}

function sessionsTable(sessions: readonly AdminSessionView[], now: number): SafeHtml {
  if (sessions.length === 0) return html`<p class="muted">No live sessions.</p>`;
  return html`<table id="admin-sessions">
    <thead>
      <tr>
        <th>Session</th>
        <th>Key</th>
        <th>Logged in</th>
        <th>Expires in</th>
        <th>Address</th>
        <th>User agent</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${sessions.map((session) => sessionRow(session, now))}
    </tbody>
  </table>`;
}

function sessionRow(session: AdminSessionView, now: number): SafeHtml {
  return html`<tr data-session-id="${session.id}">
    <td>
      <code>${session.id}</code>${session.current ? html` <strong>(this session)</strong>` : ''}
    </td>
    <td>${session.keyId}</td>
    <td>${formatAge(now - session.createdAt)} ago</td>
    <td>${formatAge(session.expiresAt - now)}</td>
    <td>${session.address || '–'}</td>
    <td class="wrap">${session.userAgent || '–'}</td>
    <td>
      <form method="post" action="${endSessionActionPath(session.id)}">
        <button type="submit">${session.current ? 'End (log out)' : 'End'}</button>
      </form>
    </td>
  </tr> `;
}
