import type { AdminSessionView } from '@tta/contracts';
import { endSessionActionPath, renderSessionsPage } from '../../../src/admin/sessions-page';

const NOW = Date.UTC(2025, 0, 2, 12, 0, 0);

function session(overrides: Partial<AdminSessionView> = {}): AdminSessionView {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    keyId: 'ops',
    createdAt: NOW - 5 * 60_000,
    expiresAt: NOW + 3 * 3_600_000,
    address: '203.0.113.9',
    userAgent: 'Firefox',
    own: true,
    current: false,
    ...overrides,
  };
}

describe('renderSessionsPage', () => {
  it('shows each session with its key, age, expiry, address, user agent and an End button', () => {
    const page = renderSessionsPage({ sessions: [session()], readAt: NOW });
    expect(page).toContain('data-session-id="AAAAAAAAAAAAAAAAAAAAAA"');
    expect(page).toContain('<td>ops</td>');
    expect(page).toContain('5 min ago');
    expect(page).toContain('3 h 0 min');
    expect(page).toContain('203.0.113.9');
    expect(page).toContain(`action="${endSessionActionPath('AAAAAAAAAAAAAAAAAAAAAA')}"`);
    expect(page).not.toContain('(this session)');
  });

  it("marks the viewer's own session", () => {
    const page = renderSessionsPage({ sessions: [session({ current: true })], readAt: NOW });
    expect(page).toContain('(this session)');
    expect(page).toContain('End (log out)');
  });

  it('escapes what the browser sent at login', () => {
    const page = renderSessionsPage({
      sessions: [session({ userAgent: '<script>alert(1)</script>' })],
      readAt: NOW,
    });
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says so when there is no session', () => {
    expect(renderSessionsPage({ sessions: [], readAt: NOW })).toContain('No live sessions.');
  });
});
