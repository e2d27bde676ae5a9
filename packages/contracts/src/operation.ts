import type { z } from 'zod';
import type { ApiScope } from './api-scope';

/** An HTTP method the API serves. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A zod schema with the name of its component in the OpenAPI document. */
export interface NamedSchema {
  /** The component's name: `TaskRequest`, `Task`... */
  name: string;
  /** The schema itself: for a request, the very schema the route validates with. */
  schema: z.ZodType;
}

/** What a route answers when it succeeds. */
export interface OperationResponse {
  /** The HTTP status: 200, 202, 204. */
  status: number;
  /** What the answer means. */
  description: string;
  /** The JSON body's schema; none for `204` and for non-JSON answers. */
  body?: NamedSchema;
  /** The media type of a body that is not JSON: `text/event-stream`, `text/plain`. */
  contentType?: string;
}

/**
 * One route of the API: the API mounts it and checks its scope from this, the OpenAPI document
 * describes it from this, and the client takes its types from the schemas named here.
 */
export interface ApiOperation {
  /** The method. */
  method: HttpMethod;
  /** The path as express mounts it: `/v1/tasks/:id`. */
  path: string;
  /** A unique, stable name: `getTask`. */
  operationId: string;
  /**
   * Who may call it: `public` (anyone, no key), or the scope a key needs (`admin` implies
   * every other).
   */
  scope: ApiScope | 'public';
  /** The group it is listed under: `tasks`, `workflows`... */
  tag: string;
  /** One line: what it does. */
  summary: string;
  /** More on what it does, in Markdown. Default: none. */
  description?: string;
  /** A description of each path parameter, by name; every `:name` of the path needs one. */
  pathParams?: Readonly<Record<string, string>>;
  /** The query schema the route parses `req.query` with. Default: no query. */
  query?: z.ZodObject;
  /** Request headers it reads, by name, with their description. Default: none. */
  headers?: Readonly<Record<string, string>>;
  /** The body schema the route (or the service behind it) validates with. Default: no body. */
  body?: NamedSchema;
  /** Whether the body may be left out. Default: false. */
  bodyOptional?: boolean;
  /** The success answer. */
  response: OperationResponse;
  /**
   * Error statuses of its own (409, 422...). Those of every route of its kind are added: 400,
   * 413 and 415 with a body or query, 401, 403 and 429 when it needs a key, 404 with a path
   * parameter, 503 when it reads Redis.
   */
  errors?: readonly number[];
  /** Whether it answers 503 while Redis is unreachable. Default: true for `/v1/` routes. */
  readsRedis?: boolean;
}
