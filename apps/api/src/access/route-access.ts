import { API_OPERATIONS, type ApiOperation, type ApiScope, type HttpMethod } from '@tta/contracts';
import { SAFETY_STREAM_PATH } from '../admin/admin-paths';

/** A route by method and path, as express mounts it: `GET /v1/tasks/:id`. */
export interface RouteKey {
  /** The method; `HEAD` requests count as `GET`. */
  method: HttpMethod;
  /** The path as express mounts it. */
  path: string;
}

/**
 * The admin pages anyone may open: the login form and logout. Every other path under
 * `/admin/` needs `admin` (a key or an admin session), by any method; those pages are HTML for
 * operators, not operations of the contract.
 */
export const PUBLIC_ADMIN_ROUTES: readonly RouteKey[] = [
  { method: 'GET', path: '/admin/login' },
  { method: 'POST', path: '/admin/login' },
  { method: 'GET', path: '/admin/logout' },
  { method: 'POST', path: '/admin/logout' },
];

/** The event streams of the admin pages: the safety page's live feed. */
export const ADMIN_EVENT_STREAM_ROUTES: readonly RouteKey[] = [
  { method: 'GET', path: SAFETY_STREAM_PATH },
];

const EVENT_STREAM = 'text/event-stream';

/** Everything under `/admin/` but the login and logout routes needs `admin`, by any method. */
export const ADMIN_PATH_PREFIX = '/admin/';

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  scope: ApiScope | 'public';
  /** Whether it answers with an event stream. */
  stream: boolean;
}

// Like express: case-insensitive, one optional trailing slash, a `:param` is one segment.
function compile(route: RouteKey, scope: ApiScope | 'public', stream = false): CompiledRoute {
  const source = route.path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method: route.method, pattern: new RegExp(`^${source}/?$`, 'i'), scope, stream };
}

// Fixed paths before parameters, as express matches them in the contract's order.
const compiledOperations = (API_OPERATIONS as readonly ApiOperation[]).map((operation) =>
  compile(operation, operation.scope, operation.response.contentType === EVENT_STREAM),
);
const compiledPublicAdmin = PUBLIC_ADMIN_ROUTES.map((route) => compile(route, 'public'));
const compiledAdminStreams = ADMIN_EVENT_STREAM_ROUTES.map((route) =>
  compile(route, 'admin', true),
);

function routeMethod(method: string): string {
  return method === 'HEAD' ? 'GET' : method;
}

function operationAt(method: string, path: string): CompiledRoute | undefined {
  const m = routeMethod(method);
  return compiledOperations.find((route) => route.method === m && route.pattern.test(path));
}

/**
 * Whether `method path` (the request's raw path, no query) is open to anyone: an operation of
 * scope `public` in the contract, or one of {@link PUBLIC_ADMIN_ROUTES}.
 */
export function isPublicRoute(method: string, path: string): boolean {
  const m = routeMethod(method);
  if (compiledPublicAdmin.some((route) => route.method === m && route.pattern.test(path))) {
    return true;
  }
  return operationAt(method, path)?.scope === 'public';
}

/** Whether `path` lies under `/admin/` (the dashboards), where an admin session also counts. */
export function isAdminPath(path: string): boolean {
  return path.toLowerCase().startsWith(ADMIN_PATH_PREFIX) || /^\/admin$/i.test(path);
}

/**
 * The scope `method path` needs: `admin` under `/admin/`, else the scope the contract gives the
 * operation; `undefined` for a public operation or a route the contract does not name (which
 * then needs only a known key, and answers 404).
 */
export function requiredScope(method: string, path: string): ApiScope | undefined {
  if (isAdminPath(path)) return 'admin';
  const scope = operationAt(method, path)?.scope;
  return scope === 'public' ? undefined : scope;
}

/**
 * Whether `method path` opens an event stream: an operation the contract answers with
 * `text/event-stream`, or one of {@link ADMIN_EVENT_STREAM_ROUTES}.
 */
export function isEventStreamRoute(method: string, path: string): boolean {
  const m = routeMethod(method);
  if (compiledAdminStreams.some((route) => route.method === m && route.pattern.test(path))) {
    return true;
  }
  return operationAt(method, path)?.stream === true;
}
