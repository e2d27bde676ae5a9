import { html } from './html';

/** What {@link renderLoginPage} shows. */
export interface LoginPageView {
  /** Where the browser goes after logging in (a path under `/admin/`). */
  next: string;
  /** Why the last attempt was refused, if it was. */
  error?: string;
  /** Whether the browser just logged out. */
  loggedOut?: boolean;
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f8fa;color:#1f2328}
form{background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1.5rem 2rem;width:min(24rem,90vw)}
h1{font-size:1.25rem;margin:0 0 1rem}
label{display:block;margin-bottom:.35rem}
input[type=password]{box-sizing:border-box;width:100%;padding:.45rem;font:inherit;border:1px solid #d0d7de;border-radius:.3rem}
button{margin-top:1rem;padding:.45rem 1rem;font:inherit;cursor:pointer}
.error{background:#ffebe9;padding:.45rem .7rem;border-radius:.3rem}
.info{background:#ddf4ff;padding:.45rem .7rem;border-radius:.3rem}
.muted{color:#656d76;font-size:.9em}
`;

/**
 * The admin login form: one password field for an API key with scope `admin`, posted to
 * `/admin/login`. Every value is escaped; the page loads nothing else.
 */
export function renderLoginPage(view: LoginPageView): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>TTA admin login</title>
        <style>
          ${STYLE}
        </style>
      </head>
      <body>
        <form method="post" action="/admin/login">
          <h1>TTA admin</h1>
          ${view.error === undefined ? '' : html`<p class="error" role="alert">${view.error}</p>`}
          ${view.loggedOut ? html`<p class="info">You are logged out.</p>` : ''}
          <label for="key">API key with scope <code>admin</code></label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="current-password"
            required
            autofocus
          />
          <input type="hidden" name="next" value="${view.next}" />
          <button type="submit">Log in</button>
          <p class="muted">
            The key is checked once; the browser then holds a signed session cookie, never the key.
          </p>
        </form>
      </body>
    </html> `.toString();
}
