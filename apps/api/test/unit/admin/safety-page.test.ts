import type { CssrsLevel } from '@tta/contracts';
import { Script } from 'node:vm';
import type { SafetyEvent } from '@tta/core';
import { inlineScript } from '../../../src/admin/html';
import { orderForReview } from '../../../src/admin/safety-overview';
import {
  renderSafetyPage as renderPage,
  renderSafetyRows,
  reviewActionPath,
  type SafetyPageView,
} from '../../../src/admin/safety-page';
import { SAFETY_PAGE_SCRIPT } from '../../../src/admin/safety-page-script';

// The page with its layout whitespace squashed, so that assertions name markup, not indentation.
const squash = (markup: string): string =>
  markup
    .replace(/\s+/g, ' ')
    .replace(/\s?>\s?/g, '>')
    .replace(/\s</g, '<');
const renderSafetyPage = (view: SafetyPageView): string => squash(renderPage(view));

const NOW = Date.UTC(2025, 0, 2, 12, 0, 0);
const SEVERITY = { crisis: 3, screen_unavailable: 2, concern: 1 } as const;

function event(overrides: Partial<SafetyEvent> & Pick<SafetyEvent, 'id'>): SafetyEvent {
  const type = overrides.type ?? 'crisis';
  return {
    type,
    runId: `workflow~run-${overrides.id}`,
    workflow: 'player-turn',
    sessionId: 'session-1',
    level: type === 'screen_unavailable' ? 'unknown' : type,
    categories: ['suicidal_ideation'],
    cssrs: 'method',
    layers: ['patterns'],
    sessionReasons: [],
    shown: 'crisis_response',
    at: NOW - 60_000,
    status: 'open',
    severity: SEVERITY[type],
    createdAt: NOW - 60_000,
    notes: [],
    notifications: 2,
    ...overrides,
  };
}

function view(overrides: Partial<SafetyPageView> = {}): SafetyPageView {
  return {
    events: [event({ id: 'sev_a' })],
    more: false,
    readAt: NOW,
    reviewer: 'ops-key',
    nonce: 'bm9uY2U=',
    ...overrides,
  };
}

function rowOf(page: string, id: string): string {
  const start = page.indexOf(`data-event-id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</tr>', start));
}

const rowIds = (page: string): string[] =>
  [...page.matchAll(/<tr data-event-id="([^"]+)"/g)].map((m) => m[1]!);

describe('renderSafetyPage', () => {
  it('lists events most severe first, then oldest, whatever order they come in', () => {
    const events = [
      event({ id: 'sev_concern_old', type: 'concern', createdAt: NOW - 90 * 60_000 }),
      event({ id: 'sev_crisis_new', type: 'crisis', createdAt: NOW - 1000 }),
      event({ id: 'sev_unavailable', type: 'screen_unavailable', createdAt: NOW - 30_000 }),
      event({ id: 'sev_crisis_old', type: 'crisis', createdAt: NOW - 5 * 60_000 }),
      event({
        id: 'sev_crisis_acked',
        type: 'crisis',
        status: 'acknowledged',
        createdAt: NOW - 3 * 60_000,
      }),
    ];
    expect(rowIds(renderSafetyPage(view({ events })))).toEqual([
      'sev_crisis_old',
      'sev_crisis_acked',
      'sev_crisis_new',
      'sev_unavailable',
      'sev_concern_old',
    ]);
    expect(orderForReview(events).map((e) => e.id)).toEqual(
      rowIds(squash(renderSafetyRows({ events, readAt: NOW, reviewer: 'x' }).toString())),
    );
  });

  it('shows type, level, categories, C-SSRS level, session, run, age, status and notifications', () => {
    const row = rowOf(
      renderSafetyPage(
        view({
          events: [
            event({
              id: 'sev_a',
              categories: ['suicidal_ideation', 'self_harm'],
              notifications: 3,
            }),
          ],
        }),
      ),
      'sev_a',
    );
    for (const cell of [
      'data-status="open"',
      '<td><span class="type type-crisis">crisis</span></td>',
      '<td>crisis</td>',
      '<td class="wrap">suicidal_ideation, self_harm</td>',
      '<td>method</td>',
      '<td>session-1</td>',
      '<td class="id">workflow~run-sev_a</td>',
      '<td title="2025-01-02T11:59:00.000Z">1 min</td>',
      '<td><span class="status status-open">open</span></td>',
      '<td>3</td>',
    ]) {
      expect(row).toContain(cell);
    }
  });

  it('offers acknowledge and resolve on an open event, with the reviewer filled in', () => {
    const row = rowOf(renderSafetyPage(view()), 'sev_a');
    expect(row).toContain('<form method="post" action="/admin/safety/events/sev_a/ack">');
    expect(row).toMatch(/<input name="reviewer" value="ops-key" required maxlength="100"/);
    expect(row).toContain('<input name="note" maxlength="2000"');
    expect(row).toContain('<button type="submit">Acknowledge</button>');
    expect(row).toContain(
      '<button type="submit" formaction="/admin/safety/events/sev_a/resolve">Resolve</button>',
    );
  });

  it('shows who acknowledged an event, and only resolve is left to do', () => {
    const acked = event({
      id: 'sev_b',
      status: 'acknowledged',
      acknowledgedBy: 'dr-ana',
      acknowledgedAt: NOW - 2 * 60_000,
    });
    const row = rowOf(renderSafetyPage(view({ events: [acked] })), 'sev_b');
    expect(row).toContain('<span class="status status-acknowledged">acknowledged</span>');
    expect(row).toContain('<div class="muted">by dr-ana, 2 min ago</div>');
    expect(row).toContain('<button type="submit" disabled>Acknowledge</button>');
    expect(row).toContain('>Resolve</button>');
  });

  it('shows dashes for what an event lacks (a screen that failed)', () => {
    const failed = event({
      id: 'sev_c',
      type: 'screen_unavailable',
      categories: [],
      cssrs: undefined,
      sessionId: undefined,
    });
    const row = rowOf(renderSafetyPage(view({ events: [failed] })), 'sev_c');
    expect(row).toContain('<td>unknown</td><td class="wrap">–</td><td>–</td><td>–</td>');
  });

  it('escapes every value that comes from Redis or the request', () => {
    const hostile = '<script>alert("x")</script>';
    const page = renderSafetyPage(
      view({
        events: [
          event({
            id: `sev_"><b`,
            runId: hostile,
            sessionId: hostile,
            level: hostile,
            categories: [hostile],
            // Whatever Redis holds is escaped, even a level outside the contract.
            cssrs: hostile as CssrsLevel,
            status: 'acknowledged',
            acknowledgedBy: hostile,
            acknowledgedAt: NOW,
          }),
        ],
        reviewer: `"><img src=x onerror=alert(1)>`,
        notice: { kind: 'error', text: hostile },
        nonce: `"><script>`,
      }),
    );
    // The page's own script is the only script element.
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toContain('sev_"><b');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('data-event-id="sev_&quot;&gt;&lt;b"');
    expect(page).toContain('action="/admin/safety/events/sev_%22%3E%3Cb/ack"');
    expect(page).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(page).toContain('<script nonce="&quot;&gt;&lt;script&gt;">');
  });

  it('links to the agents page and Bull Board, and says so when the list is empty', () => {
    const page = renderSafetyPage(view({ events: [] }));
    expect(page).toContain('<a href="/admin/agents">Agents</a>');
    expect(page).toContain('<a href="/admin/queues">');
    expect(page).not.toContain('href="/admin/safety"');
    expect(page).toContain('<p id="safety-empty" class="muted">No open or acknowledged');
    expect(page).toContain('0 open · 0 acknowledged · read at 2025-01-02T12:00:00.000Z');
    expect(renderSafetyPage(view())).toContain('<p id="safety-empty" class="muted" hidden>');
  });

  it('runs its script under the nonce and points it at the rows and the stream', () => {
    const page = renderSafetyPage(view({ more: true }));
    expect(page).toContain('<script nonce="bm9uY2U=">');
    expect(page).toContain(
      '<table id="safety-events" data-rows="/admin/safety/rows" data-stream="/admin/safety/stream">',
    );
    expect(page).toContain('1 open · 0 acknowledged · more not shown');
  });
});

describe('reviewActionPath', () => {
  it('encodes the event id as one path segment', () => {
    expect(reviewActionPath('a/b c', 'resolve')).toBe('/admin/safety/events/a%2Fb%20c/resolve');
  });
});

describe('inlineScript', () => {
  it('refuses a source that would end the script element early', () => {
    expect(() => inlineScript('var a = "</SCRIPT>";', 'n')).toThrow(/<\/script/);
    expect(() => inlineScript('<!-- x', 'n')).toThrow();
    expect(inlineScript(SAFETY_PAGE_SCRIPT, 'n').toString()).toMatch(/^<script nonce="n">/);
  });

  it('is given a page script that parses', () => {
    expect(() => new Script(SAFETY_PAGE_SCRIPT)).not.toThrow();
    expect(() => new Script('(function () {')).toThrow(/Unexpected end of input/);
  });
});
