/**
 * What an API key may do: `tasks:write` (enqueue, cancel, retry), `tasks:read` (read tasks,
 * runs, workflows, the dead-letter queue), `agents:read` (agents, capabilities, routing),
 * `safety:review` (the safety events: read, acknowledge, resolve, stream, export),
 * `sessions:erase` (erase a player session's data: `DELETE /v1/sessions/:id`), and `admin`, which implies every other scope (metrics, readiness, diagnostics, dashboards).
 */
export const API_SCOPES = [
  'tasks:write',
  'tasks:read',
  'agents:read',
  'safety:review',
  'sessions:erase',
  'admin',
] as const;

/** One scope of {@link API_SCOPES}. */
export type ApiScope = (typeof API_SCOPES)[number];

/** Whether a key holding `granted` may use a route that needs `required` (`admin` implies all). */
export function grantsScope(granted: readonly ApiScope[], required: ApiScope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
