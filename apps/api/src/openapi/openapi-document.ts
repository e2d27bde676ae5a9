import {
  API_OPERATIONS,
  API_SCOPES,
  API_TAGS,
  builtInCapabilitySchemas,
  errorBodySchema,
  type ApiOperation,
  type NamedSchema,
} from '@tta/contracts';
import { operationObject, type OperationSecurity } from './operation-object';
import type { OperationObject } from './openapi-types';
import { toJsonSchema, type JsonSchema } from './to-json-schema';

/** Name of the security scheme of API keys in the document. */
export const BEARER_SCHEME = 'bearerAuth';

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiDocumentOptions {
  /** The routes described. Default: {@link API_OPERATIONS}. */
  operations?: readonly ApiOperation[];
  /** `info.version` of the document. Default: `1.0.0`. */
  version?: string;
}

/** An OpenAPI 3.1 document, as plain JSON. */
export type OpenApiDocument = {
  /** Always `3.1.0`. */
  openapi: '3.1.0';
  /** Title, version and description of the API. */
  info: { title: string; version: string; description: string };
  /** The groups operations are listed under. */
  tags: Array<{ name: string; description: string }>;
  /** Every documented route, by OpenAPI path (`/v1/tasks/{id}`) and lower-case method. */
  paths: Record<string, Record<string, OperationObject>>;
  /** Named schemas (request bodies, answers, `Error`, capability inputs and outputs) and security schemes. */
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
  /** The default: an API key. Public routes override it with none. */
  security: Array<Record<string, string[]>>;
};

/** `/v1/tasks/:id` → `/v1/tasks/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

/**
 * Builds the OpenAPI 3.1 document of the API from its route descriptions: request bodies and
 * queries are the JSON Schemas of the very zod schemas the routes validate with, answers those
 * of the response schemas, every error answer the one `Error` component, and each route's
 * security the scope the access control's table gives it.
 */
export function buildOpenApiDocument(options: OpenApiDocumentOptions = {}): OpenApiDocument {
  const operations = options.operations ?? API_OPERATIONS;
  const schemas = componentSchemas(operations);
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    const path = toOpenApiPath(operation.path);
    const method = operation.method.toLowerCase();
    const byMethod = (paths[path] ??= {});
    if (byMethod[method])
      throw new Error(`OpenAPI: ${operation.method} ${path} is described twice`);
    byMethod[method] = operationObject(operation, securityOf(operation));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'TTA agent orchestration API',
      version: options.version ?? '1.0.0',
      description:
        'Enqueue tasks and workflow runs for the agents of a therapeutic text adventure, follow them, and watch the agents. Every error answer is `{ "error": { "code", "message", "details"? } }`.',
    },
    tags: API_TAGS.map((tag) => ({ ...tag })),
    paths,
    components: { schemas, securitySchemes: securitySchemes() },
    security: [{ [BEARER_SCHEME]: [] }],
  };
}

function securityOf(operation: ApiOperation): OperationSecurity {
  return operation.scope === 'public'
    ? { scheme: BEARER_SCHEME, public: true }
    : { scheme: BEARER_SCHEME, public: false, scope: operation.scope };
}

function securitySchemes(): OpenApiDocument['components']['securitySchemes'] {
  return {
    [BEARER_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      description: `An API key: \`Authorization: Bearer <key>\`. Each key holds scopes (${API_SCOPES.map((s) => `\`${s}\``).join(', ')}; \`admin\` implies every other); each operation names the one it needs in its security requirement and in \`x-scope\`.`,
    },
  };
}

/**
 * The named schemas: `Error`, every request body (as input) and answer (as output) the
 * operations name, and the input and output of every built-in capability.
 */
function componentSchemas(operations: readonly ApiOperation[]): Record<string, JsonSchema> {
  const named = new Map<string, NamedSchema['schema']>();
  const schemas: Record<string, JsonSchema> = { Error: toJsonSchema(errorBodySchema, 'output') };
  const add = (entry: NamedSchema | undefined, io: 'input' | 'output'): void => {
    if (!entry) return;
    const known = named.get(entry.name);
    if (known === entry.schema) return;
    if (known || entry.name in schemas) {
      throw new Error(`OpenAPI: two different schemas are named '${entry.name}'`);
    }
    named.set(entry.name, entry.schema);
    schemas[entry.name] = toJsonSchema(entry.schema, io);
  };
  for (const operation of operations) {
    add(operation.body, 'input');
    add(operation.response.body, 'output');
  }
  for (const [capability, entry] of Object.entries(builtInCapabilitySchemas)) {
    schemas[`CapabilityInput.${capability}`] = toJsonSchema(entry.input, 'input');
    schemas[`CapabilityOutput.${capability}`] = toJsonSchema(entry.output, 'output');
  }
  return schemas;
}
