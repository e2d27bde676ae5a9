/**
 * The safety page's script (plain ES2017, run inline under the page's CSP nonce). It opens an
 * `EventSource` on the page's `data-stream` route; on its `ready` event (the feed is
 * subscribed) and on every `safety` event it fetches the rows from `data-rows` (JSON: `rows`,
 * the server-rendered and escaped `<tr>` markup, `summary`, `count`) and puts them in place. A
 * row whose status did not change keeps its form (what a reviewer is typing) and gets its other
 * cells refreshed; new rows go where the server's order puts them. It refreshes every 30 s too,
 * for the ages. It writes text with `textContent` only.
 */
export const SAFETY_PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var table = document.getElementById('safety-events');
  var body = document.getElementById('safety-events-body');
  var summary = document.getElementById('safety-summary');
  var empty = document.getElementById('safety-empty');
  var state = document.getElementById('live-state');
  if (!table || !body || !summary || !empty || !state) return;
  var rowsUrl = table.getAttribute('data-rows');
  var streamUrl = table.getAttribute('data-stream');
  var source;
  var busy = false;
  var again = false;

  function say(text) {
    state.textContent = text;
  }

  function rowsOf(parent) {
    return Array.prototype.slice.call(parent.querySelectorAll('tr[data-event-id]'));
  }

  function merge(old, fresh) {
    if (old.getAttribute('data-status') !== fresh.getAttribute('data-status')) return fresh;
    for (var i = 0; i < fresh.children.length && i < old.children.length; i += 1) {
      var cell = fresh.children[i];
      if (!cell.classList.contains('actions')) old.children[i].replaceWith(cell.cloneNode(true));
    }
    return old;
  }

  function apply(markup) {
    var template = document.createElement('template');
    template.innerHTML = markup;
    var current = new Map();
    rowsOf(body).forEach(function (row) {
      current.set(row.getAttribute('data-event-id'), row);
    });
    var wanted = rowsOf(template.content).map(function (row) {
      var old = current.get(row.getAttribute('data-event-id'));
      return old ? merge(old, row) : row;
    });
    wanted.forEach(function (row, i) {
      var at = body.children[i] || null;
      if (at !== row) body.insertBefore(row, at);
    });
    while (body.children.length > wanted.length) body.removeChild(body.lastElementChild);
  }

  function read(res) {
    if (res.status === 401 || res.status === 403) {
      throw new Error('the admin session ended: reload the page to log in again');
    }
    if (!res.ok) throw new Error('the list could not be read (HTTP ' + res.status + ')');
    return res.json();
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(rowsUrl, { headers: { Accept: 'application/json' }, cache: 'no-store' })
      .then(read)
      .then(function (data) {
        apply(data.rows);
        summary.textContent = data.summary;
        empty.hidden = data.count > 0;
        if (source && source.readyState === EventSource.OPEN) say('live');
      })
      .catch(function (err) {
        say('not updated: ' + err.message);
      })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  if (typeof EventSource !== 'function') {
    say('no live updates in this browser: reload the page to see changes');
    return;
  }
  source = new EventSource(streamUrl);
  source.addEventListener('ready', function () {
    say('live');
    refresh();
  });
  source.addEventListener('safety', refresh);
  source.addEventListener('error', function () {
    say(
      source.readyState === EventSource.CLOSED
        ? 'live updates stopped: reload the page'
        : 'live updates interrupted: reconnecting'
    );
  });
  setInterval(refresh, 30000);
})();
`;
