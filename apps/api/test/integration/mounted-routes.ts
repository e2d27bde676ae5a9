import type { Application } from 'express';

/** A route an express app mounts: its method and its full path pattern. */
export interface MountedRoute {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** The path pattern as mounted, prefixes included: `/admin/queues/api/queues`. */
  path: string;
}

interface StackLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  /** A router has a stack; an express app mounted as middleware has a router. */
  handle?: { stack?: StackLayer[]; router?: { stack?: StackLayer[] } };
  rawPath?: unknown;
}

/**
 * Every route of an express 5 app, read from its router stack: routes on the app, and routes
 * of routers and apps mounted on it (at any path, nested), with the mount paths joined in front.
 */
export function mountedRoutes(app: Application): MountedRoute[] {
  return routesOf((app.router as unknown as { stack: StackLayer[] }).stack, '');
}

function routesOf(stack: readonly StackLayer[], prefix: string): MountedRoute[] {
  return stack.flatMap((layer): MountedRoute[] => {
    const route = layer.route;
    if (route) {
      const paths = (Array.isArray(route.path) ? route.path : [route.path]).map(String);
      return paths.flatMap((path) =>
        Object.keys(route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method: method.toUpperCase(), path: joinPath(prefix, path) })),
      );
    }
    const inner = layer.handle?.stack ?? layer.handle?.router?.stack;
    if (!inner) return [];
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return routesOf(inner, `${prefix}${mount}`);
  });
}

function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  return path === '/' ? prefix : `${prefix}${path}`;
}

/** A concrete path for a pattern: every `:param` and `*wildcard` filled in with `value`. */
export function samplePath(pattern: string, value: string): string {
  return pattern.replace(/[{}]/g, '').replace(/[:*][A-Za-z0-9_]+/g, encodeURIComponent(value));
}
