import {
  agentQuerySchema,
  API_OPERATIONS,
  cancelQuerySchema,
  deadLetterQuerySchema,
  drainBodySchema,
  previewQuerySchema,
  runRequestSchema,
  taskBatchRequestSchema,
  taskRequestSchema,
  type ApiOperation,
} from '@tta/contracts';
import { z } from 'zod';
import { buildOpenApiDocument, toOpenApiPath } from '../../../src/openapi/openapi-document';
import type { OperationObject } from '../../../src/openapi/openapi-types';
import type { JsonSchema } from '../../../src/openapi/to-json-schema';
import { schemaProblems } from '../../support/schema-problems';

const document = buildOpenApiDocument();
const { schemas } = document.components;

function operation(method: string, path: string): OperationObject {
  const found = document.paths[path]?.[method.toLowerCase()];
  if (!found) throw new Error(`${method} ${path} is not in the document`);
  return found;
}

/** What zod itself makes of a schema, as OpenAPI 3.1 embeds it. */
function zodJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return rest;
}

function allOperations(): Array<[string, string, OperationObject]> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]): [string, string, OperationObject] => [
      method.toUpperCase(),
      path,
      op,
    ]),
  );
}

describe('buildOpenApiDocument', () => {
  it('is an OpenAPI 3.1 document with paths, components and bearer security', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: expect.any(String), version: '1.0.0' });
    expect(Object.keys(document.paths).length).toBe(
      new Set(API_OPERATIONS.map((op) => toOpenApiPath(op.path))).size,
    );
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    const ids = allOperations().map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(document.tags.map((tag) => tag.name));
    expect(allOperations().filter(([, , op]) => !op.tags.every((t) => tags.has(t)))).toEqual([]);
  });

  it.each([
    ['POST', '/v1/tasks', taskRequestSchema],
    ['POST', '/v1/tasks/batch', taskBatchRequestSchema],
    ['POST', '/v1/workflows/{name}/runs', runRequestSchema],
    ['POST', '/v1/agents/{id}/drain', drainBodySchema],
  ])('describes the body of %s %s with the schema the route validates', (method, path, schema) => {
    const ref = operation(method, path).requestBody?.content['application/json']?.schema.$ref;
    const name = String(ref).replace('#/components/schemas/', '');
    expect(schemas[name]).toEqual(zodJsonSchema(schema, 'input'));
  });

  it.each([
    ['GET', '/v1/agents', agentQuerySchema],
    ['GET', '/v1/dead-letter', deadLetterQuerySchema],
    ['GET', '/v1/routing/preview', previewQuerySchema],
    ['DELETE', '/v1/tasks/{id}', cancelQuerySchema],
    ['DELETE', '/v1/workflow-runs/{id}', cancelQuerySchema],
  ])('describes the query of %s %s with the schema the route parses', (method, path, schema) => {
    const expected = zodJsonSchema(schema, 'input');
    const query = (operation(method, path).parameters ?? []).filter((p) => p.in === 'query');
    expect(Object.fromEntries(query.map((p) => [p.name, p.schema]))).toEqual(expected.properties);
    expect(query.filter((p) => p.required).map((p) => p.name)).toEqual(expected.required ?? []);
  });

  it('gives every route the scope of the contract table, and public ones none', () => {
    for (const [method, path, op] of allOperations()) {
      const scope = API_OPERATIONS.find(
        (r) => r.method === method && toOpenApiPath(r.path) === path,
      )?.scope;
      if (scope === 'public') {
        expect({ path, security: op.security }).toEqual({ path, security: [] });
      } else {
        expect({ path, scope: op['x-scope'] }).toEqual({ path, scope });
        expect(op.security).toEqual([{ bearerAuth: scope ? [scope] : [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
    expect(operation('POST', '/v1/tasks')['x-scope']).toBe('tasks:write');
    expect(operation('GET', '/healthz').security).toEqual([]);
  });

  it('answers every error with the one Error component', () => {
    const errors = allOperations().flatMap(([, , op]) =>
      Object.entries(op.responses).filter(([status]) => Number(status) >= 400),
    );
    expect(errors.length).toBeGreaterThan(50);
    for (const [, response] of errors) {
      expect(response.content).toEqual({
        'application/json': { schema: { $ref: '#/components/schemas/Error' } },
      });
    }
    const error = { error: { code: 'not_found', message: "task 'x' not found" } };
    expect(schemaProblems(error, schemas.Error!, {})).toEqual([]);
    expect(schemaProblems({ code: 'x' }, schemas.Error!, {})).not.toEqual([]);
  });

  it('describes every path parameter, and refuses a route that leaves one out', () => {
    for (const [, path, op] of allOperations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const params = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(params.map((p) => p.name)).toEqual(names);
      for (const param of params) expect(param.description).toEqual(expect.any(String));
    }
    const bare: ApiOperation = {
      method: 'GET',
      path: '/v1/things/:id',
      scope: 'tasks:read',
      operationId: 'getThing',
      tag: 'things',
      summary: 'a thing',
      response: { status: 200, description: 'the thing' },
    };
    expect(() => buildOpenApiDocument({ operations: [bare] })).toThrow(/path parameter 'id'/);
  });

  it('refuses two different schemas under one name, or one route described twice', () => {
    const op = (path: string, schema: z.ZodType): ApiOperation => ({
      method: 'GET',
      scope: 'tasks:read',
      path,
      operationId: path,
      tag: 't',
      summary: 's',
      response: { status: 200, description: 'd', body: { name: 'Thing', schema } },
    });
    const twoThings = [
      op('/a', z.object({ a: z.string() })),
      op('/b', z.object({ b: z.string() })),
    ];
    expect(() => buildOpenApiDocument({ operations: twoThings })).toThrow(/'Thing'/);
    const same = z.object({ a: z.string() });
    expect(() => buildOpenApiDocument({ operations: [op('/a', same), op('/a', same)] })).toThrow(
      /described twice/,
    );
  });

  it('holds the input and output schemas of the built-in capabilities', () => {
    const input = schemas['CapabilityInput.narrative.generate']!;
    expect((input.properties as Record<string, unknown>).text).toMatchObject({
      type: 'string',
      minLength: 1,
    });
    expect(schemas['CapabilityOutput.narrative.generate']?.required).toEqual(['passage', 'tone']);
  });
});

describe('schemaProblems', () => {
  const components = { Thing: { type: 'object', properties: { n: { type: 'integer' } } } };
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      status: { type: 'string', enum: ['a', 'b'] },
      things: { type: 'array', items: { $ref: '#/components/schemas/Thing' } },
      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    },
    required: ['id'],
    additionalProperties: false,
  };

  it('finds nothing wrong with a value that matches', () => {
    const value = { id: 'x', status: 'a', things: [{ n: 1 }], note: null };
    expect(schemaProblems(value, schema, components)).toEqual([]);
  });

  it('names missing, extra, mistyped and out-of-enum fields', () => {
    const value = { status: 'c', things: [{ n: 1.5 }], note: 3, extra: true };
    expect(schemaProblems(value, schema, components).sort()).toEqual([
      '$.extra: not in the schema',
      '$.id: required but missing',
      '$.note: matches none of 2 choices',
      '$.status: "c" is not one of ["a","b"]',
      '$.things[0].n: 1.5 is not of type integer',
    ]);
  });
});
