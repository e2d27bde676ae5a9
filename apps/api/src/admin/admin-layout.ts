import {
  AGENTS_PAGE_PATH,
  BULL_BOARD_PATH,
  LOGOUT_PATH,
  SAFETY_PAGE_PATH,
  SESSIONS_PAGE_PATH,
} from './admin-paths';
import { html, type SafeHtml } from './html';

/** The style sheet the admin pages share (the agents, safety and sessions pages). */
export const ADMIN_STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1f2328}
header{display:flex;align-items:baseline;gap:1.5rem}
h1{font-size:1.4rem;margin:0}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal}
th{background:#f6f8fa}
.status{padding:.1rem .45rem;border-radius:.6rem;font-size:.85em}
.status-ready{background:#dafbe1}.status-starting{background:#ddf4ff}
.status-draining{background:#fff8c5}
tr.gone td{color:#8c959f}
.notice{padding:.5rem .8rem;border-radius:.3rem;background:#ddf4ff}
.notice.error{background:#ffebe9}
.muted{color:#656d76}
button{cursor:pointer}
`;

/** The Content-Security-Policy of the admin pages without a script: they load nothing else and post only to this site. */
export const ADMIN_PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/** A one-line message at the top of an admin page (the outcome of an action). */
export interface PageNotice {
  /** `info` for a done action, `error` for a refused one. */
  kind: 'info' | 'error';
  /** The message. */
  text: string;
}

/** An admin page that {@link adminNav} links to. */
export type AdminPage = 'agents' | 'safety' | 'sessions';

const PAGES: ReadonlyArray<{ page: AdminPage; path: string; label: string }> = [
  { page: 'agents', path: AGENTS_PAGE_PATH, label: 'Agents' },
  { page: 'safety', path: SAFETY_PAGE_PATH, label: 'Safety' },
  { page: 'sessions', path: SESSIONS_PAGE_PATH, label: 'Sessions' },
];

/** The links of an admin page's header: the other admin pages, Bull Board and log out. */
export function adminNav(current: AdminPage): SafeHtml {
  const pages = PAGES.filter((p) => p.page !== current).map(
    (p) => html`<a href="${p.path}">${p.label}</a> · `,
  );
  return html`<nav>
    ${pages}<a href="${BULL_BOARD_PATH}">Queues (Bull Board)</a> ·
    <a href="${LOGOUT_PATH}">Log out</a>
  </nav>`;
}

/** What {@link renderAdminPage} puts together. */
export interface AdminPageFrame {
  /** Which page it is: the one {@link adminNav} leaves out. */
  page: AdminPage;
  /** Its title and heading: `Agents`. */
  title: string;
  /** More of the head, before the title (a refresh). Default: none. */
  head?: SafeHtml;
  /** The outcome of the last action, if any. */
  notice?: PageNotice;
  /** What follows the header and the notice. */
  body: SafeHtml;
}

/**
 * An admin page without a script (the agents and sessions pages): the shared style, a header
 * with the title and the links to the other pages, the notice, then the page's own body.
 */
export function renderAdminPage(frame: AdminPageFrame): string {
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        ${frame.head}
        <title>${frame.title} · TTA</title>
        <style>
          ${ADMIN_STYLE}
        </style>
      </head>
      <body>
        <header>
          <h1>${frame.title}</h1>
          ${adminNav(frame.page)}
        </header>
        ${pageNotice(frame.notice)} ${frame.body}
      </body>
    </html> `;
  return page.toString();
}

/** The notice line of a page, or nothing. */
export function pageNotice(notice: PageNotice | undefined): SafeHtml | undefined {
  return notice && html`<p class="notice ${notice.kind}" role="status">${notice.text}</p>`;
}
