import type { JsonSchema } from './to-json-schema';

/** A body of one media type: its schema. */
export interface MediaTypeObject {
  /** The body's schema, often a `$ref` to a component. */
  schema: JsonSchema;
}

/** A path, query or header parameter of an operation. */
export interface ParameterObject {
  /** The parameter's name. */
  name: string;
  /** Where it goes. */
  in: 'path' | 'query' | 'header';
  /** Whether a request must carry it (always for path parameters). */
  required: boolean;
  /** What it is. */
  description?: string;
  /** Its schema. */
  schema: JsonSchema;
}

/** One answer of an operation. */
export interface ResponseObject {
  /** What the answer means. */
  description: string;
  /** Its body, by media type; none for a `204`. */
  content?: Record<string, MediaTypeObject>;
}

/** An OpenAPI operation: one method of one path. */
export interface OperationObject {
  /** Unique name of the operation. */
  operationId: string;
  /** The group it is listed under. */
  tags: string[];
  /** One line: what it does. */
  summary: string;
  /** More, in Markdown. */
  description?: string;
  /** Its path, query and header parameters. */
  parameters?: ParameterObject[];
  /** Its JSON body. */
  requestBody?: { required: boolean; content: Record<string, MediaTypeObject> };
  /** Its answers, by status. */
  responses: Record<string, ResponseObject>;
  /** `[]` for a public route; else the bearer scheme with the scope the key needs. */
  security: Array<Record<string, string[]>>;
  /** The scope a key needs, when the scope table names one. */
  'x-scope'?: string;
}
