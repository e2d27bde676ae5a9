import type { AgentInfo } from '@tta/core';
import type { GoneAgent } from '../../../src/admin/agent-overview';
import {
  drainActionPath,
  formatAge,
  renderAgentsPage as renderPage,
  type AgentsPageView,
} from '../../../src/admin/agents-page';

// The page with its layout whitespace squashed, so that assertions name markup, not indentation.
function renderAgentsPage(view: AgentsPageView): string {
  return renderPage(view).replace(/\s+/g, ' ').replace(/>\s/g, '>').replace(/\s</g, '<');
}

const NOW = Date.UTC(2025, 0, 2, 12, 0, 0);

function agent(overrides: Partial<AgentInfo> = {}): AgentInfo {
  return {
    id: 'narrator-1',
    type: 'narrative-generator',
    capabilities: ['narrative.generate'],
    labels: { tier: 'fast', locale: 'en' },
    queues: ['cap.narrative.generate'],
    concurrency: 8,
    host: 'box-1',
    pid: 4242,
    version: '0.1.0',
    startedAt: NOW - 3 * 60_000,
    status: 'ready',
    activeJobs: 3,
    lastHeartbeatAt: NOW - 400,
    heartbeatAgeMs: 400,
    ...overrides,
  };
}

function view(overrides: Partial<AgentsPageView> = {}): AgentsPageView {
  return { live: [agent()], gone: [], readAt: NOW, historyMinutes: 10, ...overrides };
}

function rowOf(page: string, id: string): string {
  const start = page.indexOf(`data-agent-id="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</tr>', start));
}

describe('renderAgentsPage', () => {
  it('shows each live agent with its registration, load, heartbeat age and a drain form', () => {
    const row = rowOf(renderAgentsPage(view()), 'narrator-1');
    for (const cell of [
      '<td>narrator-1</td>',
      '<td>narrative-generator</td>',
      '>ready</span>',
      '<td class="wrap">narrative.generate</td>',
      '<td class="wrap">locale=en, tier=fast</td>',
      '<td>3 / 8</td>',
      '<td>0.4 s ago</td>',
      '<td>0.1.0</td>',
      '<td>box-1</td>',
      '<td>4242</td>',
      '<td>3 min</td>',
      '<form method="post" action="/admin/agents/narrator-1/drain"><button type="submit">Drain</button>',
    ]) {
      expect(row).toContain(cell);
    }
  });

  it('shows a draining agent as such, with its drain button disabled', () => {
    const row = rowOf(
      renderAgentsPage(view({ live: [agent({ status: 'draining' })] })),
      'narrator-1',
    );
    expect(row).toContain('<span class="status status-draining">draining</span>');
    expect(row).toContain('<button type="submit" disabled>Draining</button>');
  });

  it('escapes every value that comes from the registry', () => {
    const hostile = '<script>alert("x")</script>';
    const page = renderAgentsPage(
      view({
        live: [agent({ id: `a"><b`, host: hostile, version: hostile, labels: { k: hostile } })],
        gone: [{ id: hostile, type: hostile, how: 'dead', at: NOW, reason: hostile }],
        notice: { kind: 'info', text: hostile },
      }),
    );
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('a"><b');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).toContain('action="/admin/agents/a%22%3E%3Cb/drain"');
  });

  it('lists agents gone within the window greyed out, with how, when and why', () => {
    const gone: GoneAgent[] = [
      { id: 'parser-2', type: 'input-processor', how: 'left', at: NOW - 90_000, reason: 'drained' },
      { id: 'parser-3', type: 'input-processor', how: 'dead', at: NOW - 5_000 },
    ];
    const page = renderAgentsPage(view({ gone, historyMinutes: 7 }));
    expect(page).toContain('Gone in the last 7 minutes');
    expect(page).toContain(
      '<tr class="gone" data-agent-id="parser-2"><td>parser-2</td><td>input-processor</td><td>left</td><td>1 min ago</td><td class="wrap">drained</td></tr>',
    );
    expect(rowOf(page, 'parser-3')).toContain(
      '<td>dead</td><td>5.0 s ago</td><td class="wrap"></td>',
    );
  });

  it('reloads itself without the notice, and links to Bull Board', () => {
    const page = renderAgentsPage(
      view({ refreshSeconds: 3, notice: { kind: 'error', text: 'no' } }),
    );
    expect(page).toContain('<meta http-equiv="refresh" content="3;url=/admin/agents" />');
    expect(page).toContain('<a href="/admin/queues">');
    expect(page).toContain('<p class="notice error" role="status">no</p>');
    expect(renderAgentsPage(view())).not.toContain('class="notice');
  });

  it('says so when there are no live and no gone agents', () => {
    const page = renderAgentsPage(view({ live: [] }));
    expect(page).toContain('No live agents.');
    expect(page).toContain('None.');
    expect(page).not.toContain('<form');
  });
});

describe('drainActionPath', () => {
  it('encodes the agent id as one path segment', () => {
    expect(drainActionPath('a/b c')).toBe('/admin/agents/a%2Fb%20c/drain');
  });
});

describe('formatAge', () => {
  it.each([
    [-5, '0.0 s'],
    [400, '0.4 s'],
    [12_300, '12 s'],
    [3 * 60_000 + 59_000, '3 min'],
    [(2 * 60 + 5) * 60_000, '2 h 5 min'],
    [(3 * 24 + 4) * 3_600_000, '3 d 4 h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});
