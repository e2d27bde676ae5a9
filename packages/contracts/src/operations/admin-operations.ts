import type { ApiOperation } from '../operation';
import { adminSessionListSchema } from '../schemas/admin';

/** The admin sessions of the dashboards: list and end them. */
export const ADMIN_OPERATIONS = [
  {
    method: 'GET',
    path: '/v1/admin/sessions',
    scope: 'admin',
    operationId: 'listAdminSessions',
    tag: 'admin',
    summary: 'The live admin sessions (browsers logged in at /admin/login), newest first',
    description:
      'Each with its key id, when it started and expires, and the client address and user agent it logged in from.',
    response: {
      status: 200,
      description: 'the live sessions',
      body: { name: 'AdminSessionList', schema: adminSessionListSchema },
    },
  },
  {
    method: 'DELETE',
    path: '/v1/admin/sessions/:id',
    scope: 'admin',
    operationId: 'endAdminSession',
    tag: 'admin',
    summary: 'End an admin session at once: its cookie is refused from the next request on',
    pathParams: { id: 'the session id, as `GET /v1/admin/sessions` lists it' },
    response: { status: 204, description: 'the session is ended' },
  },
] as const satisfies readonly ApiOperation[];
