import { adminLoginUrl, safeAdminTarget } from '../../src/admin/admin-redirects';
import { isEventStreamRoute, isPublicRoute, requiredScope } from '../../src/access/route-access';

describe('requiredScope', () => {
  it.each([
    ['POST', '/v1/tasks', 'tasks:write'],
    ['POST', '/v1/tasks/batch', 'tasks:write'],
    ['GET', '/v1/tasks/abc', 'tasks:read'],
    ['DELETE', '/v1/tasks/abc', 'tasks:write'],
    ['GET', '/v1/tasks/abc/events', 'tasks:read'],
    ['HEAD', '/v1/tasks/abc', 'tasks:read'],
    ['GET', '/v1/agents', 'agents:read'],
    ['POST', '/v1/agents/a-1/drain', 'admin'],
    ['GET', '/metrics', 'admin'],
    ['GET', '/readyz', 'admin'],
    ['GET', '/admin/queues', 'admin'],
    ['PUT', '/admin/queues/api/queues/x/retry', 'admin'],
    ['GET', '/admin', 'admin'],
  ])('%s %s needs %s', (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope);
  });

  it('matches like express does: any case, one trailing slash', () => {
    expect(requiredScope('GET', '/V1/Agents')).toBe('agents:read');
    expect(requiredScope('POST', '/v1/tasks/')).toBe('tasks:write');
    expect(requiredScope('GET', '/ADMIN/queues')).toBe('admin');
  });

  it('names no scope for a route it does not list, or a param spanning segments', () => {
    expect(requiredScope('GET', '/v1/nothing')).toBeUndefined();
    expect(requiredScope('PUT', '/v1/tasks')).toBeUndefined();
    expect(requiredScope('GET', '/v1/tasks/a/b')).toBeUndefined();
  });
});

describe('isPublicRoute', () => {
  it('lets only liveness and the admin login and logout through without a key', () => {
    expect(isPublicRoute('GET', '/healthz')).toBe(true);
    expect(isPublicRoute('HEAD', '/healthz')).toBe(true);
    expect(isPublicRoute('POST', '/admin/login')).toBe(true);
    expect(isPublicRoute('GET', '/admin/logout')).toBe(true);
    expect(isPublicRoute('POST', '/healthz')).toBe(false);
    expect(isPublicRoute('GET', '/readyz')).toBe(false);
    expect(isPublicRoute('GET', '/admin/login/x')).toBe(false);
  });
});

describe('isEventStreamRoute', () => {
  it('names the event streams of the contract and of the admin pages, nothing else', () => {
    expect(isEventStreamRoute('GET', '/v1/tasks/cap.input.parse~1/events')).toBe(true);
    expect(isEventStreamRoute('GET', '/v1/workflow-runs/r1/events/')).toBe(true);
    expect(isEventStreamRoute('GET', '/v1/safety/events/stream')).toBe(true);
    expect(isEventStreamRoute('GET', '/admin/safety/stream')).toBe(true);
    expect(isEventStreamRoute('GET', '/v1/tasks/cap.input.parse~1')).toBe(false);
    expect(isEventStreamRoute('GET', '/v1/safety/events')).toBe(false);
    expect(isEventStreamRoute('DELETE', '/v1/tasks/x/events')).toBe(false);
  });
});

describe('safeAdminTarget and adminLoginUrl', () => {
  it.each([
    ['/admin/agents', '/admin/agents'],
    ['/admin/queues/queue/x?status=failed', '/admin/queues/queue/x?status=failed'],
    ['https://evil.example/admin/', '/admin/queues'],
    ['//evil.example/admin/', '/admin/queues'],
    ['/admin/\\evil', '/admin/queues'],
    ['/v1/tasks', '/admin/queues'],
    ['/admin/login?next=/admin/agents', '/admin/queues'],
    [undefined, '/admin/queues'],
    [['/admin/agents'], '/admin/queues'],
  ])('sends a login for %j to %s', (next, target) => {
    expect(safeAdminTarget(next)).toBe(target);
  });

  it('brings the browser back to the page it asked for', () => {
    expect(adminLoginUrl('/admin/agents')).toBe('/admin/login?next=%2Fadmin%2Fagents');
    expect(adminLoginUrl('/admin/queues')).toBe('/admin/login');
  });
});
