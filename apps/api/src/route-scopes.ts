import type { ApiScope } from '@tta/core';

/** An HTTP method of a route in {@link ROUTE_SCOPES}. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route and the scope a key needs to use it. */
export interface RouteScope {
  /** The route's method; `HEAD` requests count as `GET`. */
  method: RouteMethod;
  /** The route's path as express mounts it: `/v1/tasks/:id`. */
  path: string;
  /** The scope a key needs; `admin` implies every other. */
  scope: ApiScope;
}

/** Routes anyone may call, with no key: liveness, and the admin login form. */
export const PUBLIC_ROUTES: ReadonlyArray<Pick<RouteScope, 'method' | 'path'>> = [
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/admin/login' },
  { method: 'POST', path: '/admin/login' },
  { method: 'GET', path: '/admin/logout' },
  { method: 'POST', path: '/admin/logout' },
];

/**
 * The one table of which scope each route needs. The middleware reads it for every request;
 * a test checks that it names every route the app mounts. A route missing here still needs
 * a valid key, of any scope.
 */
export const ROUTE_SCOPES: readonly RouteScope[] = [
  { method: 'POST', path: '/v1/tasks', scope: 'tasks:write' },
  { method: 'POST', path: '/v1/tasks/batch', scope: 'tasks:write' },
  { method: 'GET', path: '/v1/tasks/:id', scope: 'tasks:read' },
  { method: 'DELETE', path: '/v1/tasks/:id', scope: 'tasks:write' },
  { method: 'GET', path: '/v1/tasks/:id/events', scope: 'tasks:read' },
  { method: 'GET', path: '/v1/workflows', scope: 'tasks:read' },
  { method: 'POST', path: '/v1/workflows/:name/runs', scope: 'tasks:write' },
  { method: 'GET', path: '/v1/workflow-runs/:id', scope: 'tasks:read' },
  { method: 'DELETE', path: '/v1/workflow-runs/:id', scope: 'tasks:write' },
  { method: 'GET', path: '/v1/workflow-runs/:id/events', scope: 'tasks:read' },
  { method: 'GET', path: '/v1/dead-letter', scope: 'tasks:read' },
  { method: 'POST', path: '/v1/dead-letter/:id/retry', scope: 'tasks:write' },
  { method: 'DELETE', path: '/v1/dead-letter/:id', scope: 'tasks:write' },
  { method: 'GET', path: '/v1/costs', scope: 'tasks:read' },
  { method: 'GET', path: '/v1/agents', scope: 'agents:read' },
  { method: 'GET', path: '/v1/agents/:id', scope: 'agents:read' },
  { method: 'POST', path: '/v1/agents/:id/drain', scope: 'admin' },
  { method: 'GET', path: '/v1/capabilities', scope: 'agents:read' },
  { method: 'GET', path: '/v1/scaling', scope: 'agents:read' },
  { method: 'GET', path: '/v1/routing/preview', scope: 'agents:read' },
  { method: 'GET', path: '/v1/policy', scope: 'agents:read' },
  { method: 'GET', path: '/v1/policy/status', scope: 'agents:read' },
  { method: 'POST', path: '/v1/policy/validate', scope: 'admin' },
  { method: 'POST', path: '/v1/policy/reload', scope: 'admin' },
  { method: 'GET', path: '/v1/safety/events', scope: 'safety:review' },
  { method: 'GET', path: '/v1/safety/events/stream', scope: 'safety:review' },
  { method: 'GET', path: '/v1/safety/events/:id', scope: 'safety:review' },
  { method: 'POST', path: '/v1/safety/events/:id/ack', scope: 'safety:review' },
  { method: 'POST', path: '/v1/safety/events/:id/resolve', scope: 'safety:review' },
  { method: 'GET', path: '/v1/safety/audit', scope: 'safety:review' },
  { method: 'GET', path: '/v1/diagnostics', scope: 'admin' },
  { method: 'GET', path: '/readyz', scope: 'admin' },
  { method: 'GET', path: '/metrics', scope: 'admin' },
  { method: 'GET', path: '/openapi.json', scope: 'admin' },
];

/** Everything under `/admin/` but the login and logout routes needs `admin`, by any method. */
export const ADMIN_PATH_PREFIX = '/admin/';

interface CompiledRoute {
  method: string;
  pattern: RegExp;
}

// Like express: case-insensitive, one optional trailing slash, a `:param` is one segment.
function compile(route: Pick<RouteScope, 'method' | 'path'>): CompiledRoute {
  const source = route.path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method: route.method, pattern: new RegExp(`^${source}/?$`, 'i') };
}

const compiledScopes = ROUTE_SCOPES.map((route) => ({ ...compile(route), scope: route.scope }));
const compiledPublic = PUBLIC_ROUTES.map(compile);

function routeMethod(method: string): string {
  return method === 'HEAD' ? 'GET' : method;
}

/** Whether `method path` (the request's raw path, no query) is one of {@link PUBLIC_ROUTES}. */
export function isPublicRoute(method: string, path: string): boolean {
  const m = routeMethod(method);
  return compiledPublic.some((route) => route.method === m && route.pattern.test(path));
}

/** Whether `path` lies under `/admin/` (the dashboards), where an admin session also counts. */
export function isAdminPath(path: string): boolean {
  return path.toLowerCase().startsWith(ADMIN_PATH_PREFIX) || /^\/admin$/i.test(path);
}

/** The scope `method path` needs, or `undefined` for a route the table does not name. */
export function requiredScope(method: string, path: string): ApiScope | undefined {
  if (isAdminPath(path)) return 'admin';
  const m = routeMethod(method);
  return compiledScopes.find((route) => route.method === m && route.pattern.test(path))?.scope;
}
