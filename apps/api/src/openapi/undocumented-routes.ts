/** Routes the OpenAPI document leaves out on purpose: pages for browsers, not an API. */
export interface UndocumentedRoutes {
  /** Every route whose path starts with this. */
  pathPrefix: string;
  /** Why it is not in the document. */
  reason: string;
}

/** The routes the OpenAPI document leaves out; a test checks it has every other mounted route. */
export const UNDOCUMENTED_ROUTES: readonly UndocumentedRoutes[] = [
  {
    pathPrefix: '/admin/queues',
    reason: 'Bull Board: its page and the JSON API its page calls are its own',
  },
  {
    pathPrefix: '/admin/',
    reason:
      'HTML pages for operators: the admin login and logout, /admin/agents, /admin/safety and their forms and feeds',
  },
];

/** Whether the route at `path` is left out of the OpenAPI document. */
export function isUndocumentedRoute(path: string): boolean {
  return UNDOCUMENTED_ROUTES.some((route) => path.startsWith(route.pathPrefix));
}
