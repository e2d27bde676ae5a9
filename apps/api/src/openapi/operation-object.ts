import type { ApiOperation } from '@tta/contracts';
import type { OperationObject, ParameterObject, ResponseObject } from './openapi-types';
import { toJsonSchema, type JsonSchema } from './to-json-schema';

/** How a route is guarded, as the access control's scope table says. */
export interface OperationSecurity {
  /** Name of the bearer security scheme in the document. */
  scheme: string;
  /** Whether anyone may call it, with no key. */
  public: boolean;
  /** The scope a key needs; none when any valid key will do. */
  scope?: string;
}

/** What each error status means, as the error responses of the document describe it. */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: '`invalid_input` naming the field, or `invalid_json`',
  401: '`unauthenticated`: no API key, or an unknown one',
  403: '`forbidden`: the key lacks the scope this route needs',
  404: '`not_found`: no such task, run, agent or entry',
  409: '`idempotency_conflict`, `task_exists`, `task_finished` or `session_erasing`',
  413: '`payload_too_large`: the body is larger than config `api.bodyLimitBytes`',
  415: '`unsupported_media_type`: a body that is not `application/json`',
  421: '`host_not_allowed`: the `Host` header names a host the API does not answer to (config `api.allowedHosts`)',
  422: '`unknown_capability`, `unknown_requirements` (labels no live agent nor config declares), `unknown_workflow` or `invalid_policy`',
  429: '`rate_limited`: too many requests (or batched tasks) for this key; `budget_exceeded`; creating tasks, `queue_full` / `owner_backlog_full` (too many tasks waiting); `auth_rate_limited`: too many failed authentications from this address; `too_many_streams` (event streams): too many open streams for this key or in all; see `Retry-After`',
  503: '`redis_unavailable`, `capacity` (Redis short of memory: new work refused), `no_live_agent` or `shutting_down`; see `Retry-After`',
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** `#/components/schemas/<name>`. */
export function schemaRef(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** The OpenAPI operation object of a route. */
export function operationObject(
  operation: ApiOperation,
  security: OperationSecurity,
): OperationObject {
  const object: OperationObject = {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    responses: responses(operation, security),
    security: security.public
      ? []
      : [{ [security.scheme]: security.scope ? [security.scope] : [] }],
  };
  if (operation.description !== undefined) object.description = operation.description;
  const parameters = [
    ...pathParameters(operation),
    ...queryParameters(operation),
    ...headerParameters(operation),
  ];
  if (parameters.length > 0) object.parameters = parameters;
  if (operation.body) {
    object.requestBody = {
      required: operation.bodyOptional !== true,
      content: { 'application/json': { schema: schemaRef(operation.body.name) } },
    };
  }
  if (security.scope !== undefined) object['x-scope'] = security.scope;
  return object;
}

function pathParameters(operation: ApiOperation): ParameterObject[] {
  return [...operation.path.matchAll(/:(\w+)/g)].map(([, name = '']) => {
    const description = operation.pathParams?.[name];
    if (description === undefined) {
      throw new Error(
        `OpenAPI: ${operation.operationId} does not describe path parameter '${name}'`,
      );
    }
    return { name, in: 'path' as const, required: true, description, schema: { type: 'string' } };
  });
}

// Each property of the query schema is one parameter, its schema the property's.
function queryParameters(operation: ApiOperation): ParameterObject[] {
  if (!operation.query) return [];
  const schema = toJsonSchema(operation.query, 'input');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query' as const,
    required: required.has(name),
    schema: property,
  }));
}

function headerParameters(operation: ApiOperation): ParameterObject[] {
  return Object.entries(operation.headers ?? {}).map(([name, description]) => ({
    name,
    in: 'header' as const,
    required: false,
    description,
    schema: { type: 'string' },
  }));
}

function responses(
  operation: ApiOperation,
  security: OperationSecurity,
): Record<string, ResponseObject> {
  const { response } = operation;
  const success: ResponseObject = { description: response.description };
  if (response.body) {
    success.content = { 'application/json': { schema: schemaRef(response.body.name) } };
  } else if (response.contentType !== undefined) {
    success.content = { [response.contentType]: { schema: { type: 'string' } } };
  }
  const all: Record<string, ResponseObject> = { [String(response.status)]: success };
  for (const status of errorStatuses(operation, security)) {
    all[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'an error',
      content: { 'application/json': { schema: ERROR_REF } },
    };
  }
  return all;
}

/** The error statuses a route may answer with, in order (see {@link ApiOperation.errors}). */
export function errorStatuses(operation: ApiOperation, security: OperationSecurity): number[] {
  // Every route checks the Host header first.
  const statuses = new Set([...(operation.errors ?? []), 421]);
  if (operation.body) [400, 413, 415].forEach((s) => statuses.add(s));
  if (operation.query) statuses.add(400);
  if (operation.path.includes(':')) statuses.add(404);
  if (!security.public) [401, 403, 429].forEach((s) => statuses.add(s));
  if (operation.readsRedis ?? operation.path.startsWith('/v1/')) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}
